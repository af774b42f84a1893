package device

import (
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"allium/audio"
)

// soundless reports whether this machine has no sound hardware (as CI), where the
// recorder and the player must say so rather than pretend.
func soundless() bool {
	_, err := os.Stat("/dev/snd")
	return err != nil && os.Getenv("PULSE_SERVER") == "" && os.Getenv("XDG_RUNTIME_DIR") == ""
}

func TestNoMicrophone(t *testing.T) {
	if !soundless() {
		t.Skip("this machine has sound")
	}
	var r Recorder
	done := make(chan error, 1)
	go func() { done <- r.Start(nil, nil) }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNoMicrophone) {
			t.Fatalf("Start = %v, want ErrNoMicrophone", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Start hangs without a microphone")
	}
	if _, err := r.Stop(); !errors.Is(err, ErrNotRecording) {
		t.Errorf("Stop after a failed Start = %v", err)
	}
	r.Cancel()
}

func TestNoSpeaker(t *testing.T) {
	if !soundless() {
		t.Skip("this machine has sound")
	}
	p := NewPlayer(openNote(t))
	defer p.Close()
	if err := p.Play(); !errors.Is(err, ErrNoSpeaker) {
		t.Fatalf("Play = %v, want ErrNoSpeaker", err)
	}
	if p.Playing() {
		t.Error("playing without speakers")
	}
}

func openNote(t *testing.T) audio.Stream {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "desktop.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := audio.OpenMP3(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTakeStopsAtTheLimit(t *testing.T) {
	var levels []float64
	var full atomic.Int32
	fullDone := make(chan struct{})
	tk := newTake(1000, 2*time.Second, func(l float64) { levels = append(levels, l) }, func() {
		full.Add(1)
		close(fullDone)
	})
	loud := make([]int16, 100)
	for i := range loud {
		loud[i] = 16384
	}
	for i := 0; i < 30; i++ { // 3 s offered, 2 s kept
		tk.add(loud)
	}
	<-fullDone
	if len(tk.samples) != 2000 {
		t.Errorf("kept %d samples, want 2000", len(tk.samples))
	}
	if full.Load() != 1 {
		t.Errorf("onFull called %d times", full.Load())
	}
	// A level every 50 ms of audio, each that of half of full scale (−6 dBFS).
	if len(levels) != 40 {
		t.Errorf("%d level reports, want 40", len(levels))
	}
	for _, l := range levels {
		if l < 0.89 || l > 0.91 {
			t.Fatalf("level %.3f", l)
		}
	}
}

func TestPlayerFill(t *testing.T) {
	p := NewPlayer(openNote(t))
	defer p.Close()
	if d := p.Duration(); d < time.Second || d > 1100*time.Millisecond {
		t.Fatalf("Duration = %v", d)
	}
	// A device asking for 10 ms at a time (stereo, 2 bytes a sample).
	out := make([]byte, 480*2*2)
	p.mu.Lock()
	ended := p.fill(out)
	p.mu.Unlock()
	if ended || p.Position() != 10*time.Millisecond {
		t.Fatalf("after one period: ended %v at %v", ended, p.Position())
	}
	if err := p.Seek(500 * time.Millisecond); err != nil || p.Position() != 500*time.Millisecond {
		t.Fatalf("Seek: %v, at %v", err, p.Position())
	}
	n := 0
	for {
		p.mu.Lock()
		ended := p.fill(out)
		p.mu.Unlock()
		n++
		if ended {
			break
		}
		if n > 1000 {
			t.Fatal("never ends")
		}
	}
	// From 0.5 s to the end of a note of about a second: about 50 periods, and the
	// position is the end.
	if n < 45 || n > 65 || p.Position() != p.Duration() {
		t.Errorf("%d periods after the seek, position %v of %v", n, p.Position(), p.Duration())
	}
	if err := p.Seek(-time.Second); err != nil || p.Position() != 0 {
		t.Errorf("Seek before the start: %v, %v", err, p.Position())
	}
}
