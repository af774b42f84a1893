package spool

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"allium/network"
)

func TestExpire(t *testing.T) {
	// m1 expires at E, m2 at E+1000, m3 (namespace 3) at E+2000; b's message at E.
	const e = t0 + day
	tests := []struct {
		name          string
		req           []string // "m1", "m2", "m3", "b", "unknown"
		expiry        int64
		mode          network.ExpireMode
		wantUpdated   []string
		wantUnchanged map[string]int64
		wantAfter     map[string]int64 // expiries of a's messages afterwards
	}{
		{"set earlier", []string{"m1", "m2"}, e - 500, network.ExpireSet,
			[]string{"m1", "m2"}, map[string]int64{}, map[string]int64{"m1": e - 500, "m2": e - 500, "m3": e + 2000}},
		{"set later", []string{"m3"}, e + 5000, network.ExpireSet,
			[]string{"m3"}, map[string]int64{}, map[string]int64{"m1": e, "m2": e + 1000, "m3": e + 5000}},
		{"set to the same counts as updated", []string{"m1"}, e, network.ExpireSet,
			[]string{"m1"}, map[string]int64{}, map[string]int64{"m1": e, "m2": e + 1000, "m3": e + 2000}},
		{"shorten some", []string{"m1", "m2", "m3"}, e + 1500, network.ExpireShorten,
			[]string{"m3"}, map[string]int64{"m1": e, "m2": e + 1000},
			map[string]int64{"m1": e, "m2": e + 1000, "m3": e + 1500}},
		{"shorten to equal is unchanged", []string{"m2"}, e + 1000, network.ExpireShorten,
			nil, map[string]int64{"m2": e + 1000}, map[string]int64{"m1": e, "m2": e + 1000, "m3": e + 2000}},
		{"extend some", []string{"m3", "m1", "m2"}, e + 1500, network.ExpireExtend,
			[]string{"m1", "m2"}, map[string]int64{"m3": e + 2000},
			map[string]int64{"m1": e + 1500, "m2": e + 1500, "m3": e + 2000}},
		{"extend to earlier is unchanged", []string{"m1"}, e - 1, network.ExpireExtend,
			nil, map[string]int64{"m1": e}, map[string]int64{"m1": e, "m2": e + 1000, "m3": e + 2000}},
		{"other account's and unknown hashes are in neither", []string{"b", "unknown", "m1"}, e - 1, network.ExpireSet,
			[]string{"m1"}, map[string]int64{}, map[string]int64{"m1": e - 1, "m2": e + 1000, "m3": e + 2000}},
		{"repeated hash once", []string{"m1", "m1"}, e - 1, network.ExpireSet,
			[]string{"m1"}, map[string]int64{}, map[string]int64{"m1": e - 1, "m2": e + 1000, "m3": e + 2000}},
		{"into the past expires", []string{"m2"}, t0, network.ExpireSet,
			[]string{"m2"}, map[string]int64{}, map[string]int64{"m1": e, "m3": e + 2000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			a, b := account(1), account(2)
			ms := map[string]Message{"m1": msg(a, 0, "1"), "m2": msg(a, 0, "2"), "m3": msg(a, 3, "3"), "b": msg(b, 0, "b")}
			for name, m := range ms {
				m.Expiry = map[string]int64{"m1": e, "m2": e + 1000, "m3": e + 2000, "b": e}[name]
				ms[name] = m
				mustPut(t, s, m)
			}
			hash := func(name string) string {
				if m, ok := ms[name]; ok {
					return m.Hash
				}
				return network.MessageHash(a, 0, []byte(name))
			}
			req := make([]string, len(tt.req))
			for i, n := range tt.req {
				req[i] = hash(n)
			}
			updated, unchanged, err := s.Expire(a, req, tt.expiry, tt.mode)
			if err != nil {
				t.Fatal(err)
			}
			var wantUpdated []string
			for _, n := range tt.wantUpdated {
				wantUpdated = append(wantUpdated, hash(n))
			}
			wantUnchanged := map[string]int64{}
			for n, x := range tt.wantUnchanged {
				wantUnchanged[hash(n)] = x
			}
			if !slices.Equal(updated, wantUpdated) {
				t.Errorf("updated %q, want %q", updated, wantUpdated)
			}
			if !maps.Equal(unchanged, wantUnchanged) {
				t.Errorf("unchanged %v, want %v", unchanged, wantUnchanged)
			}
			after, err := s.Expiries(a, []string{hash("m1"), hash("m2"), hash("m3")})
			if err != nil {
				t.Fatal(err)
			}
			wantAfter := map[string]int64{}
			for n, x := range tt.wantAfter {
				wantAfter[hash(n)] = x
			}
			if !maps.Equal(after, wantAfter) {
				t.Errorf("expiries afterwards %v, want %v", after, wantAfter)
			}
			// b's message is untouched.
			if got, _ := s.Expiries(b, []string{hash("b")}); got[hash("b")] != e {
				t.Errorf("b's expiry changed to %d", got[hash("b")])
			}
		})
	}
}

func TestExpireUnknownMode(t *testing.T) {
	s, _ := openTest(t)
	if _, _, err := s.Expire(account(1), nil, t0, "later"); err == nil || errors.Is(err, ErrClosed) {
		t.Fatalf("Expire with an unknown mode: %v", err)
	}
}

func TestExpireMovesPruning(t *testing.T) {
	// After Expire, pruning follows the new expiry, not the old one.
	s, c := openTest(t)
	a := account(1)
	short, long := msg(a, 0, "shortened"), msg(a, 0, "extended")
	mustPut(t, s, short, long)
	if _, _, err := s.Expire(a, []string{short.Hash}, t0+1000, network.ExpireShorten); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Expire(a, []string{long.Hash}, t0+2*day, network.ExpireExtend); err != nil {
		t.Fatal(err)
	}
	c.set(t0 + day)
	if n, err := s.PruneExpired(t0 + day); err != nil || n != 1 {
		t.Fatalf("PruneExpired = %d, %v; want 1", n, err)
	}
	got, _, err := s.Retrieve(a, 0, "", 0, 0)
	if err != nil || !slices.Equal(hashesOf(got), []string{long.Hash}) {
		t.Fatalf("left %q, %v; want the extended message", hashesOf(got), err)
	}
}

func TestExpireAll(t *testing.T) {
	const e = t0 + day
	// a's messages: x (ns 0, E), y (ns 0, E+2000), z (ns 4, E+3000); b's w (ns 0, E+3000).
	tests := []struct {
		name        string
		ns          network.NamespaceOrAll
		expiry      int64
		wantUpdated []string
		wantAfter   map[string]int64
	}{
		{"shortens later ones only", network.OneNamespace(0), e + 1000, []string{"y"},
			map[string]int64{"x": e, "y": e + 1000, "z": e + 3000}},
		{"never extends", network.AllNamespaces(), e + 5000, nil,
			map[string]int64{"x": e, "y": e + 2000, "z": e + 3000}},
		{"all namespaces, storage order", network.AllNamespaces(), e - 1, []string{"x", "y", "z"},
			map[string]int64{"x": e - 1, "y": e - 1, "z": e - 1}},
		{"equal is not updated", network.AllNamespaces(), e + 2000, []string{"z"},
			map[string]int64{"x": e, "y": e + 2000, "z": e + 2000}},
		{"other namespace", network.OneNamespace(4), e, []string{"z"},
			map[string]int64{"x": e, "y": e + 2000, "z": e}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			a, b := account(1), account(2)
			ms := map[string]Message{"x": msg(a, 0, "x"), "y": msg(a, 0, "y"), "z": msg(a, 4, "z"), "w": msg(b, 0, "w")}
			for _, n := range []string{"x", "y", "z", "w"} {
				m := ms[n]
				m.Expiry = map[string]int64{"x": e, "y": e + 2000, "z": e + 3000, "w": e + 3000}[n]
				ms[n] = m
				mustPut(t, s, m)
			}
			affected, err := s.ExpireAll(a, tt.ns, tt.expiry)
			if err != nil {
				t.Fatal(err)
			}
			updated := Hashes(affected)
			var want []string
			for _, n := range tt.wantUpdated {
				want = append(want, ms[n].Hash)
			}
			if !slices.Equal(updated, want) {
				t.Errorf("updated %q, want %q", updated, want)
			}
			after, err := s.Expiries(a, []string{ms["x"].Hash, ms["y"].Hash, ms["z"].Hash, ms["w"].Hash})
			if err != nil {
				t.Fatal(err)
			}
			wantAfter := map[string]int64{}
			for n, x := range tt.wantAfter {
				wantAfter[ms[n].Hash] = x
			}
			if !maps.Equal(after, wantAfter) {
				t.Errorf("expiries afterwards %v, want %v", after, wantAfter)
			}
			if got, _ := s.Expiries(b, []string{ms["w"].Hash}); got[ms["w"].Hash] != e+3000 {
				t.Errorf("b's expiry changed")
			}
		})
	}
}

func TestExpiries(t *testing.T) {
	s, _ := openTest(t)
	a, b := account(1), account(2)
	m1, m2, mb := msg(a, 0, "1"), msg(a, 7, "2"), msg(b, 0, "b")
	m2.Expiry = t0 + 2*day
	mustPut(t, s, m1, m2, mb)
	tests := []struct {
		name string
		req  []string
		want map[string]int64
	}{
		{"own, any namespace", []string{m1.Hash, m2.Hash}, map[string]int64{m1.Hash: m1.Expiry, m2.Hash: m2.Expiry}},
		{"other account's left out", []string{mb.Hash, m1.Hash}, map[string]int64{m1.Hash: m1.Expiry}},
		{"unknown left out", []string{network.MessageHash(a, 0, nil), "x"}, map[string]int64{}},
		{"none", nil, map[string]int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Expiries(a, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
