package client

import (
	"net/netip"
	"testing"
)

func TestNodeCache(t *testing.T) {
	good := mustHex("0e2d5380e6a0a4ea0c038252c76b9995657787dadcb655d8190153f8599c7659")
	nodes := []Node{{Addr: netip.MustParseAddrPort("127.0.0.1:22021"), Ed25519: [32]byte(good), SwarmID: 7}}
	got := DecodeNodes(EncodeNodes(nodes))
	if len(got) != 1 || got[0].Addr != nodes[0].Addr || got[0].Ed25519 != nodes[0].Ed25519 || got[0].SwarmID != 7 || got[0].X25519 == ([32]byte{}) {
		t.Fatalf("round trip: %+v", got)
	}
	for name, b := range map[string]string{
		"not JSON":    "nodes",
		"not a list":  `{"addr":"127.0.0.1:1"}`,
		"bad address": `[{"addr":"127.0.0.1","ed25519":"` + "DixTgOagpOoMA4JSx2uZlWV3h9rctlXYGQFT+FmcdlkA" + `"}]`,
		"short key":   `[{"addr":"127.0.0.1:1","ed25519":"AAEC"}]`,
	} {
		if got := DecodeNodes([]byte(b)); len(got) != 0 {
			t.Errorf("%s: decoded %+v", name, got)
		}
	}
}

func FuzzDecodeNodes(f *testing.F) {
	f.Add(EncodeNodes([]Node{{Addr: netip.MustParseAddrPort("127.0.0.1:22021"), Ed25519: [32]byte(mustHex("0e2d5380e6a0a4ea0c038252c76b9995657787dadcb655d8190153f8599c7659"))}}))
	f.Add([]byte(`[{"addr":"[::1]:1","ed25519":null,"swarm_id":-1}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, n := range DecodeNodes(b) {
			if !n.Addr.IsValid() || n.X25519 == ([32]byte{}) {
				t.Fatalf("decoded an unusable node %+v", n)
			}
		}
	})
}
