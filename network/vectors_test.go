package network

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// onionVectorsFile is the file of onion vectors that this package's tests share with
// crypto's, which keeps it: there is one copy of each vector file.
var onionVectorsFile = filepath.Join("..", "crypto", "testdata", "onion.json")

// loadVectors decodes the vector file at path (testdata/NAME for this package's own)
// into v.
func loadVectors(tb testing.TB, path string, v any) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
}

func mustHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func mustPubkey(tb testing.TB, s string) [33]byte {
	tb.Helper()
	b := mustHex(tb, s)
	if len(b) != 33 {
		tb.Fatalf("pubkey %q is %d bytes, want 33", s, len(b))
	}
	return [33]byte(b)
}

func mustUint64(tb testing.TB, s string) uint64 {
	tb.Helper()
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}
