package network

import (
	"crypto/ed25519"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"allium/crypto"
)

func fileServerKeyHex(t testing.TB) (string, string) {
	id := crypto.NewIdentityFromEd25519Seed([32]byte{1, 2, 3})
	pub := id.Ed25519PrivateKey().Public().(ed25519.PublicKey)
	x, err := crypto.Ed25519PublicToX25519(pub)
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(pub), hex.EncodeToString(x[:])
}

func networkFileCases(t testing.TB) []struct {
	name string
	in   string
	ok   bool
} {
	ed, x := fileServerKeyHex(t)
	fs := func(url, ed, x string) string {
		return `{"name":"n","seeds":["https://127.0.0.1:1"],"file_server":{"url":"` + url + `","ed25519":"` + ed + `","x25519":"` + x + `"}}`
	}
	return []struct {
		name string
		in   string
		ok   bool
	}{
		{"seeds only", `{"name":"n","seeds":["https://127.0.0.1:1"]}`, true},
		{"with file server", fs("http://127.0.0.1:8080", ed, x), true},
		{"no seeds", `{"name":"n","seeds":[]}`, false},
		{"seed not a URL", `{"name":"n","seeds":["127.0.0.1:1"]}`, false},
		{"file server ftp", fs("ftp://h", ed, x), false},
		{"file server with a path", fs("http://h/files", ed, x), false},
		{"short key", fs("http://h", ed[:10], x), false},
		{"keys that do not match", fs("http://h", ed, strings.Repeat("ab", 32)), false},
		{"not hex", fs("http://h", strings.Repeat("zz", 32), x), false},
		{"not JSON", `{`, false},
	}
}

func TestLoadNetworkFile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range networkFileCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "network.json")
			if err := os.WriteFile(p, []byte(tc.in), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := LoadNetworkFile(p)
			if (err == nil) != tc.ok {
				t.Fatalf("got %+v, %v", f, err)
			}
			if err == nil {
				if err := WriteNetworkFile(p, f); err != nil {
					t.Fatal(err)
				}
				again, err := LoadNetworkFile(p)
				if err != nil || (again.FileServer == nil) != (f.FileServer == nil) {
					t.Fatalf("round trip: %+v, %v", again, err)
				}
			}
		})
	}
}

func FuzzNetworkFile(f *testing.F) {
	for _, tc := range networkFileCases(f) {
		f.Add([]byte(tc.in))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "network.json")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		nf, err := LoadNetworkFile(p)
		if err == nil && nf.FileServer != nil {
			if _, _, err := nf.FileServer.Keys(); err != nil {
				t.Fatalf("a file server with bad keys was accepted: %v", err)
			}
		}
	})
}
