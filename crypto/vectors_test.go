package crypto

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// loadVectors decodes testdata/name (a copy of a shared protocol vector file) into v.
// These are the only copies: network's and engine/sessionpb's tests read onion.json
// and session_protocol.json from here.
func loadVectors(tb testing.TB, name string, v any) {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
}

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func key32(tb testing.TB, s string) [32]byte {
	tb.Helper()
	var k [32]byte
	if b := unhex(tb, s); len(b) != 32 {
		tb.Fatalf("want 32 bytes, got %d", len(b))
	} else {
		copy(k[:], b)
	}
	return k
}
