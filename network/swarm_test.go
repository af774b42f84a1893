package network

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"testing"
)

type swarmVectors struct {
	Cases []struct {
		Pubkey        string `json:"pubkey"`
		SwarmSpace    string `json:"swarm_space"`
		SwarmSpaceHex string `json:"swarm_space_hex"`
	} `json:"cases"`
	MappingCases []struct {
		Pubkey          string   `json:"pubkey"`
		SwarmIDs        []string `json:"swarm_ids"`
		ExpectedSwarmID string   `json:"expected_swarm_id"`
	} `json:"mapping_cases"`
	ActiveNodesBinCases []struct {
		Label     string `json:"label"`
		RecordHex string `json:"record_hex"`
		Fields    struct {
			Ed25519Pubkey string  `json:"ed25519_pubkey"`
			SwarmID       string  `json:"swarm_id"`
			IP            string  `json:"ip"`
			HTTPSPort     uint16  `json:"https_port"`
			OMQQUICPort   uint16  `json:"omq_quic_port"`
			Version       [3]byte `json:"version"`
		} `json:"fields"`
	} `json:"active_nodes_bin_cases"`
}

func TestSwarmSpaceVectors(t *testing.T) {
	var v swarmVectors
	loadVectors(t, "testdata/swarm.json", &v)
	if len(v.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range v.Cases {
		t.Run(c.Pubkey, func(t *testing.T) {
			got := SwarmSpace(mustPubkey(t, c.Pubkey))
			if want := mustUint64(t, c.SwarmSpace); got != want {
				t.Errorf("SwarmSpace = %d, want %d", got, want)
			}
			if h := fmt.Sprintf("%016x", got); h != c.SwarmSpaceHex {
				t.Errorf("SwarmSpace = %s, want %s", h, c.SwarmSpaceHex)
			}
		})
	}
}

func TestNearestSwarmVectors(t *testing.T) {
	var v swarmVectors
	loadVectors(t, "testdata/swarm.json", &v)
	if len(v.MappingCases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range v.MappingCases {
		t.Run(c.Pubkey, func(t *testing.T) {
			ids := make([]uint64, len(c.SwarmIDs))
			for i, s := range c.SwarmIDs {
				ids[i] = mustUint64(t, s)
			}
			got, ok := NearestSwarm(SwarmSpace(mustPubkey(t, c.Pubkey)), ids)
			if want := mustUint64(t, c.ExpectedSwarmID); !ok || got != want {
				t.Errorf("NearestSwarm = %d, %v; want %d", got, ok, want)
			}
		})
	}
}

func TestNearestSwarm(t *testing.T) {
	const maxU = math.MaxUint64
	for _, tc := range []struct {
		name   string
		space  uint64
		ids    []uint64
		want   uint64
		wantOK bool
	}{
		{"no swarms", 5, nil, 0, false},
		{"only invalid", 5, []uint64{InvalidSwarmID, InvalidSwarmID}, 0, false},
		{"single", maxU, []uint64{7}, 7, true},
		{"single beside invalid", 3, []uint64{7, InvalidSwarmID}, 7, true},
		{"exact", 200, []uint64{100, 200, 300}, 200, true},
		{"tie goes left", 150, []uint64{100, 200, 300}, 100, true},
		{"right is nearer", 151, []uint64{100, 200, 300}, 200, true},
		{"below the smallest wraps to the largest", 0, []uint64{10, maxU - 5}, maxU - 5, true},
		{"above the largest wraps to the smallest", maxU - 1, []uint64{1, 100}, 1, true},
		// Without excluding InvalidSwarmID, maxU would be the nearest id.
		{"invalid excluded", maxU - 1, []uint64{100, 1 << 40, InvalidSwarmID}, 100, true},
		{"duplicates", 50, []uint64{40, 40, 90, 90}, 40, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := NearestSwarm(tc.space, tc.ids)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("NearestSwarm(%d, %v) = %d, %v; want %d, %v", tc.space, tc.ids, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestParseActiveNodesBinVectors(t *testing.T) {
	var v swarmVectors
	loadVectors(t, "testdata/swarm.json", &v)
	if len(v.ActiveNodesBinCases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range v.ActiveNodesBinCases {
		t.Run(c.Label, func(t *testing.T) {
			rec := mustHex(t, c.RecordHex)
			nodes, err := ParseActiveNodesBin(rec)
			if err != nil {
				t.Fatal(err)
			}
			if len(nodes) != 1 {
				t.Fatalf("%d records, want 1", len(nodes))
			}
			n, f := nodes[0], c.Fields
			want := NodeRecord{
				Ed25519:   [32]byte(mustHex(t, f.Ed25519Pubkey)),
				SwarmID:   mustUint64(t, f.SwarmID),
				IP:        netip.MustParseAddr(f.IP),
				HTTPSPort: f.HTTPSPort,
				QUICPort:  f.OMQQUICPort,
				Version:   f.Version,
			}
			if n != want {
				t.Errorf("record = %+v, want %+v", n, want)
			}
			if got := AppendActiveNodesBin(nil, nodes); !bytes.Equal(got, rec) {
				t.Errorf("re-encoded = %x, want %x", got, rec)
			}
		})
	}
}

func TestParseActiveNodesBinLengths(t *testing.T) {
	rec := activeNodesSeed(t)
	for _, tc := range []struct {
		name  string
		b     []byte
		nodes int
		ok    bool
	}{
		{"empty", nil, 0, true},
		{"one byte", rec[:1], 0, false},
		{"one short", rec[:50], 0, false},
		{"one long", append(bytes.Clone(rec), 0), 0, false},
		{"two", bytes.Repeat(rec, 2), 2, true},
		{"two and a bit", bytes.Repeat(rec, 2)[:101], 0, false},
		{"hundred", bytes.Repeat(rec, 100), 100, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nodes, err := ParseActiveNodesBin(tc.b)
			if tc.ok {
				if err != nil || len(nodes) != tc.nodes {
					t.Errorf("ParseActiveNodesBin = %d records, %v; want %d", len(nodes), err, tc.nodes)
				}
				return
			}
			if !errors.Is(err, ErrBadActiveNodes) || nodes != nil {
				t.Errorf("ParseActiveNodesBin = %d records, %v; want ErrBadActiveNodes", len(nodes), err)
			}
		})
	}
}

func TestAppendActiveNodesBinAddresses(t *testing.T) {
	for _, tc := range []struct {
		name string
		ip   netip.Addr
		want string
	}{
		{"ipv4", netip.MustParseAddr("10.1.2.3"), "0a010203"},
		{"ipv4-mapped", netip.MustParseAddr("::ffff:10.1.2.3"), "0a010203"},
		{"ipv6", netip.MustParseAddr("2001:db8::1"), "00000000"},
		{"unset", netip.Addr{}, "00000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := AppendActiveNodesBin(nil, []NodeRecord{{IP: tc.ip}})
			if len(b) != ActiveNodeRecordSize {
				t.Fatalf("%d bytes", len(b))
			}
			if got := hex.EncodeToString(b[40:44]); got != tc.want {
				t.Errorf("IP bytes = %s, want %s", got, tc.want)
			}
		})
	}
}

func activeNodesSeed(tb testing.TB) []byte {
	var v swarmVectors
	loadVectors(tb, "testdata/swarm.json", &v)
	return mustHex(tb, v.ActiveNodesBinCases[0].RecordHex)
}

func FuzzParseActiveNodesBin(f *testing.F) {
	rec := activeNodesSeed(f)
	f.Add(rec)
	f.Add([]byte{})
	f.Add(rec[:50])
	f.Add(bytes.Repeat(rec, 3))
	f.Add(append(bytes.Clone(rec), 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		nodes, err := ParseActiveNodesBin(b)
		if err != nil {
			if !errors.Is(err, ErrBadActiveNodes) || len(b)%ActiveNodeRecordSize == 0 {
				t.Fatalf("%d bytes: %v", len(b), err)
			}
			return
		}
		if len(nodes)*ActiveNodeRecordSize != len(b) {
			t.Fatalf("%d records from %d bytes", len(nodes), len(b))
		}
		if got := AppendActiveNodesBin(nil, nodes); !bytes.Equal(got, b) {
			t.Fatalf("re-encoded %x, want %x", got, b)
		}
	})
}
