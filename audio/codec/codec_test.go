package codec

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"allium/audio"
)

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The notes in ../testdata as each Session client records them (see audio's tests):
// every one is a tone at half of full scale.
var notes = []struct {
	name, contentType string
	aac               bool
	duration          time.Duration
	channels          int
}{
	{"desktop.mp3", "audio/mp3", false, time.Second, 2},
	{"tagged.mp3", "audio/mpeg", false, time.Second, 2},
	{"android.m4a", "audio/mp4", true, time.Second, 1},
	{"android-legacy.aac", "audio/aac", true, time.Second, 1},
	{"ios.m4a", "audio/mp4", true, 500 * time.Millisecond, 2},
}

func TestDecode(t *testing.T) {
	for _, n := range notes {
		t.Run(n.name, func(t *testing.T) {
			if n.aac && !CanDecodeAAC() {
				if _, err := Decode(n.contentType, testdata(t, n.name)); !errors.Is(err, audio.ErrUnsupported) {
					t.Fatalf("err = %v, want ErrUnsupported", err)
				}
				return
			}
			p, err := Decode(n.contentType, testdata(t, n.name))
			if err != nil {
				t.Fatal(err)
			}
			// FAAD2 gives mono AAC as two channels (in case it holds parametric stereo).
			if p.Channels != n.channels && !(n.aac && p.Channels == 2) {
				t.Errorf("channels = %d, want %d", p.Channels, n.channels)
			}
			// Encoders add up to a few frames of delay and padding.
			if d := p.Duration() - n.duration; d < -30*time.Millisecond || d > 120*time.Millisecond {
				t.Errorf("decoded %v, want about %v", p.Duration(), n.duration)
			}
			mid := p.Samples[len(p.Samples)/4 : len(p.Samples)*3/4]
			if rms := audio.RMS(mid); math.Abs(rms-0.5/math.Sqrt2) > 0.05 {
				t.Errorf("RMS = %.3f, want about %.3f", rms, 0.5/math.Sqrt2)
			}
		})
	}
}

func TestSeekAAC(t *testing.T) {
	if !CanDecodeAAC() {
		t.Skip("no AAC decoder in this build")
	}
	s, err := Open("audio/mp4", testdata(t, "android.m4a"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SeekFrame(s.Frames() / 2); err != nil {
		t.Fatal(err)
	}
	p, err := audio.ReadAll(s)
	if err != nil {
		t.Fatal(err)
	}
	// Half the note is left, and it is the tone, not silence.
	if got, want := p.Frames(), s.Frames()/2; got < want-1024 || got > want+1024 {
		t.Errorf("%d frames after the seek, want about %d", got, want)
	}
	if audio.RMS(p.Samples[:len(p.Samples)/2]) < 0.2 {
		t.Error("silence after the seek")
	}
}

func TestEncodeMP3(t *testing.T) {
	const rate = 48000
	tone := &audio.PCM{Rate: rate, Channels: 1, Samples: make([]int16, 2*rate)}
	for i := range tone.Samples {
		tone.Samples[i] = int16(16384 * math.Sin(2*math.Pi*440*float64(i)/rate))
	}
	mp3, err := EncodeMP3(tone, VoiceBitrate)
	if !CanEncode() {
		if !errors.Is(err, ErrNoEncoder) {
			t.Fatalf("err = %v, want ErrNoEncoder", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	// 2 s at 64 kbit/s is 16 000 bytes, give or take a frame.
	if len(mp3) < 15000 || len(mp3) > 17000 {
		t.Errorf("%d bytes", len(mp3))
	}
	if f := audio.Sniff("", mp3); f != audio.FormatMP3 {
		t.Fatalf("encoded file sniffs as %v", f)
	}
	d, err := audio.Duration(audio.VoiceContentType, mp3)
	if err != nil || d < 2*time.Second || d > 2100*time.Millisecond {
		t.Errorf("duration %v, %v", d, err)
	}
	back, err := Decode(audio.VoiceContentType, mp3)
	if err != nil {
		t.Fatal(err)
	}
	if back.Rate != rate {
		t.Errorf("rate %d", back.Rate)
	}
	mid := back.Samples[len(back.Samples)/4 : len(back.Samples)*3/4]
	if rms := audio.RMS(mid); math.Abs(rms-0.5/math.Sqrt2) > 0.03 {
		t.Errorf("RMS after the round trip = %.3f", rms)
	}
}

func TestEncoderRefusesNonsense(t *testing.T) {
	if !CanEncode() {
		t.Skip("no encoder in this build")
	}
	for _, tc := range []struct{ rate, kbps int }{{0, 64}, {48000, 0}, {1 << 30, 64}} {
		if _, err := NewMP3Encoder(tc.rate, tc.kbps); err == nil {
			t.Errorf("NewMP3Encoder(%d, %d) succeeded", tc.rate, tc.kbps)
		}
	}
	e, err := NewMP3Encoder(44100, 64)
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	e.Close()
	if err := e.Write([]int16{1, 2, 3}); err == nil {
		t.Error("Write after Close succeeded")
	}
}

func TestOpenBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"text", []byte("not audio")},
		{"mp4 cut", testdata(t, "ios.m4a")[:300]},
		{"adts header only", testdata(t, "android-legacy.aac")[:7]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Decode("audio/mp4", tc.data); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

// FuzzOpen feeds the decoders (FAAD2 too, where it is linked) whatever the fuzzer makes
// of the fixtures: an error is fine, a crash or a stream that never ends is not.
func FuzzOpen(f *testing.F) {
	for _, n := range notes {
		b := testdata(f, n.name)
		f.Add(n.contentType, b)
		f.Add(n.contentType, b[:len(b)/2])
	}
	f.Fuzz(func(t *testing.T, contentType string, b []byte) {
		s, err := Open(contentType, b)
		if err != nil {
			return
		}
		defer s.Close()
		if s.SampleRate() <= 0 || s.Channels() <= 0 {
			t.Fatalf("rate %d channels %d", s.SampleRate(), s.Channels())
		}
		buf := make([]int16, 4096)
		for i := 0; i < 4; i++ {
			n, err := s.Read(buf)
			if n%s.Channels() != 0 {
				t.Fatalf("read %d samples of %d channels", n, s.Channels())
			}
			if err == io.EOF || err != nil {
				break
			}
		}
		_ = s.SeekFrame(s.Frames() / 2)
		_, _ = s.Read(buf)
	})
}
