package app

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"allium/crypto"
)

// TestQRImport saves a QR code as Save as PNG does and reads the file back through the
// view's import, off the Fyne goroutine and back.
func TestQRImport(t *testing.T) {
	h := newHarness(t)
	p := &Profile{ui: h.ui}
	ident, err := crypto.GenerateIdentity(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := ident.SessionID()
	path := filepath.Join(t.TempDir(), "qr.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeQR(f, id); err != nil {
		t.Fatal(err)
	}
	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var got crypto.SessionID
	var gotErr error
	done := false
	p.importQR(r, func(id crypto.SessionID, err error) { got, gotErr, done = id, err, true })
	h.waitFor("the import", func() bool { return done })
	if gotErr != nil || got != id {
		t.Fatalf("import gave %s, %v", got, gotErr)
	}
}
