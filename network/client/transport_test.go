package client

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSeedPinning checks the certificate pin used for Session's seed nodes against a local
// TLS server: the seed's node list is read only when its certificate is the pinned one.
func TestSeedPinning(t *testing.T) {
	const ed = "0e2d5380e6a0a4ea0c038252c76b9995657787dadcb655d8190153f8599c7659"
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"result":{"service_node_states":[{"public_ip":"127.0.0.1","storage_port":22021,"pubkey_ed25519":"` + ed + `","swarm_id":7},{"public_ip":"0.0.0.0","storage_port":1,"pubkey_ed25519":"` + ed + `"}]}}`))
	}))
	defer srv.Close()
	good := sha256.Sum256(srv.Certificate().Raw)
	bad := good
	bad[0] ^= 1
	for name, pin := range map[string][]byte{"pinned certificate": good[:], "other certificate": bad[:]} {
		t.Run(name, func(t *testing.T) {
			s := Seed{URL: srv.URL, Pin: pin}
			tr := newTransport([]Seed{s}, Proxy{}, nil)
			defer tr.close()
			nodes, err := tr.fetchFromSeed(context.Background(), s)
			if name == "other certificate" {
				if err == nil || !strings.Contains(err.Error(), "pin") {
					t.Fatalf("accepted a seed whose certificate is not pinned: %v", err)
				}
				return
			}
			if err != nil || len(nodes) != 1 || nodes[0].SwarmID != 7 || nodes[0].Addr.String() != "127.0.0.1:22021" {
				t.Fatalf("nodes %+v, %v", nodes, err)
			}
		})
	}
}

func TestSessionSeedPins(t *testing.T) {
	for _, s := range SessionSeeds {
		if len(s.Pin) != sha256.Size || !strings.HasPrefix(s.URL, "https://") {
			t.Errorf("seed %s: pin of %d bytes", s.URL, len(s.Pin))
		}
	}
}
