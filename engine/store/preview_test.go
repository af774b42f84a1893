package store

import (
	"reflect"
	"testing"
)

// TestPreviewRoundTrip: a message's link preview, with and without its picture and with
// and without files, is kept as it was written.
func TestPreviewRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    Message
	}{
		{"pending", Message{Body: "see https://example.org", Preview: &Preview{URL: "https://example.org", Pending: true}}},
		{"title only", Message{Body: "x", Preview: &Preview{URL: "https://example.org", Title: "A page"}}},
		{"with picture", Message{Body: "x", Preview: &Preview{URL: "https://example.org", Title: "A page",
			Image: &Attachment{ContentType: "image/jpeg", Size: 1234, Width: 200, Height: 100, Pointer: []byte{1, 2}, State: 3, Path: "ab.jpg"}}}},
		{"with files", Message{Body: "x", Attachments: []Attachment{{Name: "a.txt", Size: 1}},
			Preview: &Preview{URL: "https://example.org"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var k msgKey
			tc.m.Direction, tc.m.State = Outgoing, Pending
			b := appendMessage(nil, &tc.m)
			var got Message
			if err := decodeMessage(k[:], b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Preview, tc.m.Preview) || !reflect.DeepEqual(got.Attachments, tc.m.Attachments) || got.Body != tc.m.Body {
				t.Fatalf("got %+v, want %+v", got, tc.m)
			}
		})
	}
}
