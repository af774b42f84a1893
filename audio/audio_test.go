package audio

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The files in testdata were made once with sox, lame and ffmpeg, as each Session
// client records (docs/media.md): desktop.mp3 is 1 s of 440 Hz, mono 48 kHz at
// 128 kbit/s; tagged.mp3 1 s mono 44.1 kHz 64 kbit/s with an ID3v2 tag; android.m4a 1 s
// AAC-LC mono 44.1 kHz 32 kbit/s in MPEG-4 (moov after mdat); android-legacy.aac the same
// as ADTS; ios.m4a 0.5 s stereo 44.1 kHz 128 kbit/s (moov first).
var fixtures = []struct {
	name        string
	contentType string
	format      Format
	duration    time.Duration
	rate        int
	channels    int
}{
	{"desktop.mp3", "audio/mp3", FormatMP3, time.Second, 48000, 1},
	{"tagged.mp3", "audio/mpeg", FormatMP3, time.Second, 44100, 1},
	{"android.m4a", "audio/mp4", FormatMP4, time.Second, 44100, 1},
	{"android-legacy.aac", "audio/aac", FormatADTS, time.Second, 44100, 1},
	{"ios.m4a", "audio/mp4", FormatMP4, 500 * time.Millisecond, 44100, 2},
}

func TestDuration(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			b := readTestdata(t, f.name)
			if got := Sniff(f.contentType, b); got != f.format {
				t.Errorf("Sniff = %v, want %v", got, f.format)
			}
			// The bytes decide even under a wrong or missing content type.
			if got := Sniff("application/octet-stream", b); got != f.format {
				t.Errorf("Sniff without a content type = %v, want %v", got, f.format)
			}
			d, err := Duration(f.contentType, b)
			if err != nil {
				t.Fatal(err)
			}
			// MP3 and AAC frames are 1152 and 1024 samples long, and encoders add a
			// frame or two of delay: within 60 ms is the note's length.
			if diff := d - f.duration; diff < -30*time.Millisecond || diff > 60*time.Millisecond {
				t.Errorf("Duration = %v, want about %v", d, f.duration)
			}
		})
	}
}

func TestDurationBadInput(t *testing.T) {
	mp3 := readTestdata(t, "desktop.mp3")
	m4a := readTestdata(t, "android.m4a")
	ios := readTestdata(t, "ios.m4a")
	aac := readTestdata(t, "android-legacy.aac")
	for _, tc := range []struct {
		name        string
		contentType string
		data        []byte
		want        error
	}{
		{"empty", "audio/mp3", nil, ErrFormat},
		{"text", "audio/mp3", []byte("this is not a recording at all"), ErrFormat},
		{"a picture", "image/png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrFormat},
		{"mp3 header only", "audio/mp3", mp3[:4], ErrDamaged},
		{"mp3 first frame cut", "audio/mp3", mp3[:200], ErrDamaged},
		{"id3 tag only", "audio/mp3", []byte("ID3\x04\x00\x00\x00\x00\x00\x10"), ErrDamaged},
		{"mp4 ftyp only", "audio/mp4", m4a[:32], ErrDamaged},
		{"mp4 without moov (cut before it)", "audio/mp4", m4a[:len(m4a)/2], ErrDamaged},
		{"mp4 moov first, mdat cut", "audio/mp4", ios[:len(ios)/2], ErrDamaged},
		{"adts header only", "audio/aac", aac[:7], ErrDamaged},
		{"mp4 box larger than the file", "audio/mp4", []byte("\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00\xff\xff\xff\xffmoov"), ErrDamaged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Duration(tc.contentType, tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestADTSCutShortKeepsWholeFrames(t *testing.T) {
	aac := readTestdata(t, "android-legacy.aac")
	whole, err := ParseADTS(aac)
	if err != nil {
		t.Fatal(err)
	}
	cut, err := ParseADTS(aac[:len(aac)-1])
	if err != nil {
		t.Fatal(err)
	}
	if len(cut.Frames) != len(whole.Frames)-1 {
		t.Errorf("frames after the cut = %d, want %d", len(cut.Frames), len(whole.Frames)-1)
	}
}

func TestAACTracks(t *testing.T) {
	for _, tc := range []struct {
		name     string
		parse    func([]byte) (*AACTrack, error)
		config   []byte
		channels int
	}{
		// AAC-LC (object type 2), 44.1 kHz (index 4), mono or stereo.
		{"android.m4a", ParseMP4, []byte{0x12, 0x08}, 1},
		{"android-legacy.aac", ParseADTS, []byte{0x12, 0x08}, 1},
		{"ios.m4a", ParseMP4, []byte{0x12, 0x10}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := tc.parse(readTestdata(t, tc.name))
			if err != nil {
				t.Fatal(err)
			}
			if string(tr.Config[:2]) != string(tc.config) || tr.Rate != 44100 || tr.Channels != tc.channels {
				t.Errorf("config % x rate %d channels %d", tr.Config, tr.Rate, tr.Channels)
			}
			// About 44100/1024 frames a second, none empty or absurd.
			if want := int(tr.Duration.Seconds() * 44100 / 1024); len(tr.Frames) < want || len(tr.Frames) > want+3 {
				t.Errorf("%d frames for %v", len(tr.Frames), tr.Duration)
			}
			for i, f := range tr.Frames {
				if len(f) == 0 || len(f) > maxAACFrame {
					t.Fatalf("frame %d is %d bytes", i, len(f))
				}
			}
		})
	}
}

func TestDecodeMP3(t *testing.T) {
	for _, name := range []string{"desktop.mp3", "tagged.mp3"} {
		t.Run(name, func(t *testing.T) {
			s, err := OpenMP3(readTestdata(t, name))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			p, err := ReadAll(s)
			if err != nil {
				t.Fatal(err)
			}
			if p.Channels != 2 || p.Duration() < 990*time.Millisecond || p.Duration() > 1100*time.Millisecond {
				t.Errorf("%d channels, %v", p.Channels, p.Duration())
			}
			// The tone was made at half of full scale: a sine's RMS is its peak over √2.
			mid := p.Samples[len(p.Samples)/4 : len(p.Samples)*3/4]
			if rms := RMS(mid); math.Abs(rms-0.5/math.Sqrt2) > 0.03 {
				t.Errorf("RMS = %.3f, want about %.3f", rms, 0.5/math.Sqrt2)
			}
			// Seeking to the middle and reading gives what is there.
			if err := s.SeekFrame(p.Frames() / 2); err != nil {
				t.Fatal(err)
			}
			buf := make([]int16, 1024)
			if n, err := s.Read(buf); err != nil || n != len(buf) {
				t.Fatalf("read after seek: %d, %v", n, err)
			}
		})
	}
}

func TestOpenMP3BadInput(t *testing.T) {
	mp3 := readTestdata(t, "desktop.mp3")
	for _, b := range [][]byte{nil, []byte("garbage"), mp3[:100], readTestdata(t, "android.m4a")} {
		if _, err := OpenMP3(b); err == nil {
			t.Errorf("OpenMP3(%d bytes) succeeded", len(b))
		}
	}
}

func TestLevel(t *testing.T) {
	silence := make([]int16, 480)
	full := make([]int16, 480)
	half := make([]int16, 480)
	for i := range full {
		full[i] = 32767
		half[i] = 16384
		if i%2 == 1 {
			full[i] = -32768
			half[i] = -16384
		}
	}
	for _, tc := range []struct {
		name    string
		samples []int16
		want    float64
	}{
		{"nothing", nil, 0},
		{"silence", silence, 0},
		{"full scale", full, 1},
		// Half of full scale is −6 dBFS: 54/60 of the meter.
		{"half", half, 0.9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Level(tc.samples); math.Abs(got-tc.want) > 0.005 {
				t.Errorf("Level = %.3f, want %.3f", got, tc.want)
			}
		})
	}
	if Peak(full) != 1 || Peak(half) != 0.5 || Peak(nil) != 0 {
		t.Error("Peak")
	}
}

func TestWaveform(t *testing.T) {
	// A second of silence then a second of loud audio, in stereo.
	p := &PCM{Rate: 100, Channels: 2, Samples: make([]int16, 400)}
	for i := 200; i < 400; i++ {
		p.Samples[i] = 20000
	}
	bars := Waveform(p, 4)
	if len(bars) != 4 || bars[0] != 0 || bars[1] != 0 || bars[2] < 0.9 || bars[3] < 0.9 {
		t.Errorf("bars = %v", bars)
	}
	// More bars than frames still gives every bar a value, and nothing breaks on empty.
	if bars := Waveform(&PCM{Rate: 1, Channels: 1, Samples: []int16{30000}}, 3); len(bars) != 3 || bars[2] == 0 {
		t.Errorf("bars = %v", bars)
	}
	if len(Waveform(&PCM{Rate: 1, Channels: 1}, 3)) != 3 || Waveform(nil, 3) != nil {
		t.Error("empty waveform")
	}
}

func TestFormatOfType(t *testing.T) {
	for ct, want := range map[string]Format{
		"audio/mpeg": FormatMP3, "audio/mp3": FormatMP3, "Audio/MPEG; charset=x": FormatMP3,
		"audio/mp4": FormatMP4, "audio/x-m4a": FormatMP4, "audio/aac": FormatADTS,
		"audio/ogg": FormatUnknown, "image/jpeg": FormatUnknown, "": FormatUnknown,
	} {
		if got := FormatOfType(ct); got != want {
			t.Errorf("FormatOfType(%q) = %v, want %v", ct, got, want)
		}
	}
}

// The fuzz targets start from every fixture and its first half; whatever the bytes, the
// parsers return an error or a track whose frames lie inside the file, never panic or
// loop.

func fuzzSeeds(f *testing.F) {
	for _, fx := range fixtures {
		b := readTestdata(f, fx.name)
		f.Add(fx.contentType, b)
		f.Add(fx.contentType, b[:len(b)/2])
	}
	f.Add("audio/mp3", []byte("ID3\x04\x00\x00\x00\x00\x00\x10"))
	f.Add("audio/aac", []byte{0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC})
}

func FuzzDuration(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, contentType string, b []byte) {
		d, err := Duration(contentType, b)
		if err == nil && d < 0 {
			t.Fatalf("negative duration %v", d)
		}
		for _, parse := range []func([]byte) (*AACTrack, error){ParseMP4, ParseADTS} {
			tr, err := parse(b)
			if err != nil {
				continue
			}
			if tr.Rate <= 0 || tr.Channels <= 0 || len(tr.Config) < 2 || len(tr.Frames) == 0 {
				t.Fatalf("track without its parts: %+v", tr)
			}
		}
	})
}

func FuzzOpenMP3(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, _ string, b []byte) {
		s, err := OpenMP3(b)
		if err != nil {
			return
		}
		// A few reads and a seek: decoding all of a long file under the fuzzer's
		// instrumentation would test the same code more slowly.
		buf := make([]int16, 4096)
		for i := 0; i < 4; i++ {
			n, err := s.Read(buf)
			if n%2 != 0 || n > len(buf) {
				t.Fatalf("read %d samples", n)
			}
			if err != nil {
				if err != io.EOF && !errors.Is(err, ErrDamaged) {
					t.Fatalf("unexpected error %v", err)
				}
				break
			}
		}
		_ = s.SeekFrame(s.Frames() / 2)
	})
}
