package app

import (
	"bytes"
	"crypto/rand"
	"testing"

	"allium/app/internal/qr"
	"allium/crypto"
)

func newID(t *testing.T) crypto.SessionID {
	t.Helper()
	id, err := crypto.GenerateIdentity(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return id.SessionID()
}

// TestQRImport goes through the view's import, off the Fyne goroutine and back.
func TestQRImport(t *testing.T) {
	h := newHarness(t)
	p := &Profile{ui: h.ui}
	id := newID(t)
	b, err := qr.PNG(id)
	if err != nil {
		t.Fatal(err)
	}
	var got crypto.SessionID
	var gotErr error
	done := false
	p.importQR(nopCloser{bytes.NewReader(b)}, func(id crypto.SessionID, err error) { got, gotErr, done = id, err, true })
	h.waitFor("the import", func() bool { return done })
	if gotErr != nil || got != id {
		t.Fatalf("import gave %s, %v", got, gotErr)
	}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }
