package qr

import (
	"bytes"
	"crypto/rand"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/skip2/go-qrcode"

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

// TestRoundTrip: a QR code as the app saves it decodes back to the same Session ID. Random
// IDs are drawn; before "pure" decoding was added, about one in 130 saved codes failed to decode.
func TestRoundTrip(t *testing.T) {
	n := 150
	if raceEnabled {
		n = 20 // decoding is ten times slower under the race detector
	}
	for range n {
		id := newID(t)
		b, err := PNG(id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if got != id {
			t.Fatalf("decoded %s, saved %s", got, id)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	var blankPNG bytes.Buffer
	png.Encode(&blankPNG, blank)
	other, _ := qrcode.Encode("https://example.org/", qrcode.Medium, 256)
	group, _ := qrcode.Encode("03"+strings.Repeat("ab", 32), qrcode.Medium, 256)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not a picture", []byte("hello"), "not a picture"},
		{"no code", blankPNG.Bytes(), "No QR code"},
		{"a link", other, "does not hold a Session ID"},
		{"a group", group, "group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want a sentence with %q", err, tt.want)
			}
		})
	}
}

// FuzzDecode: whatever file a person picks, Decode answers with a Session ID or a
// sentence, and never crashes.
func FuzzDecode(f *testing.F) {
	var id crypto.SessionID
	id[0] = 0x05
	id[1] = 1
	good, err := PNG(id)
	if err != nil {
		f.Fatal(err)
	}
	other, _ := qrcode.Encode("https://example.org/", qrcode.Medium, 64)
	f.Add(good)
	f.Add(other)
	f.Add([]byte("hello"))
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Decode(bytes.NewReader(b))
		if err == nil {
			if _, perr := crypto.ParseSessionID(got.String()); perr != nil {
				t.Fatalf("decoded an invalid Session ID %s", got)
			}
		}
	})
}
