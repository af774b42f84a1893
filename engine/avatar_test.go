package engine

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"
)

func picture(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(2, 3, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestAvatar: our picture is uploaded encrypted and announced with our messages; a
// contact fetches, decrypts and keeps it, and forgets it when it is removed.
func TestAvatar(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	contacts(t, alice, bob)
	pic := picture(t)
	if err := alice.SetAvatar(context.Background(), writeTemp(t, "me.png", pic)); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(alice.Avatar()); err != nil || !bytes.Equal(b, pic) {
		t.Fatalf("own avatar: %v", err)
	}
	for _, blob := range sw.files {
		if bytes.Contains(blob, pic[:16]) {
			t.Fatal("the file server holds the picture in the clear")
		}
	}
	if _, err := alice.Send(bob.SessionID(), "new picture"); err != nil {
		t.Fatal(err)
	}
	ev := waitFor(t, bob, "Alice's picture", func(ev Event) bool {
		c, ok := ev.(ConversationUpdated)
		return ok && c.Conversation.ID == alice.SessionID() && c.Conversation.Avatar != ""
	}).(ConversationUpdated)
	if b, err := ReadFile(ev.Conversation.Avatar); err != nil || !bytes.Equal(b, pic) {
		t.Fatalf("bob's copy: %v", err)
	}

	if err := alice.SetAvatar(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Send(bob.SessionID(), "no picture"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, bob, "the picture gone", func(ev Event) bool {
		c, ok := ev.(ConversationUpdated)
		return ok && c.Conversation.ID == alice.SessionID() && c.Conversation.Avatar == ""
	})
	if _, err := os.Stat(ev.Conversation.Avatar); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the old picture was kept: %v", err)
	}
	if err := alice.SetAvatar(context.Background(), writeTemp(t, "x.png", []byte("not a picture"))); !errors.Is(err, ErrNotPicture) {
		t.Fatalf("a file that is not a picture: %v", err)
	}
}
