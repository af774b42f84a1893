package engine

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"allium/audio"
)

// TestSendVoice: a recording goes out as Session Desktop sends one, and arrives as a
// voice message with its duration.
func TestSendVoice(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	contacts(t, alice, bob)
	m, err := alice.SendVoice(bob.SessionID(), filepath.Join("testdata", "voice.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || !m.Attachments[0].Voice {
		t.Fatalf("queued %+v", m.Attachments)
	}
	waitAttachments(t, alice, m.Timestamp, AttachmentSent)
	got := waitAttachments(t, bob, m.Timestamp, AttachmentHere)
	a := got[0]
	if !a.Voice || a.Name != "session-audio-message" || a.ContentType != "audio/mp3" {
		t.Fatalf("received %+v", a)
	}
	d, err := VoiceDuration(a)
	if err != nil || d < time.Second || d > 1100*time.Millisecond {
		t.Fatalf("duration %v, %v", d, err)
	}
}

func TestSendVoiceRefuses(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	// Six minutes of silent 8 kHz MPEG-2.5 frames at 8 kbit/s (72 bytes, 72 ms each):
	// 5000 frames, 360 KB.
	frame := make([]byte, 72)
	copy(frame, []byte{0xFF, 0xE3, 0x18, 0xC4})
	var long []byte
	for i := 0; i < 5000; i++ {
		long = append(long, frame...)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"text", []byte("hello"), ErrNotVoice},
		{"a picture", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), ErrNotVoice},
		{"MPEG-4 audio", mustRead(t, filepath.Join("testdata", "android.m4a")), ErrNotVoice},
		{"six minutes", long, ErrTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := alice.SendVoice(bob.SessionID(), writeTemp(t, "note.mp3", tc.data))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if d, _ := audio.Duration("", tc.data); tc.want == ErrTooLong && d < 6*time.Minute {
				t.Fatalf("the long note is %v", d)
			}
			if n, _ := alice.Waiting(); n != 0 {
				t.Fatalf("%d items queued", n)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
