package device

import (
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/gen2brain/malgo"

	"allium/audio"
	"allium/audio/codec"
)

// TestMeasurePlayback plays a 60 s note through miniaudio's null backend (a device with
// a real device's timing, without hardware) and reports the CPU time and the resident
// memory while playing and after. It is a measurement, not a check: it runs only with
// ALLIUM_AUDIO_MEASURE=1.
//
//	ALLIUM_AUDIO_MEASURE=1 go test -run TestMeasurePlayback -v ./audio/device/
func TestMeasurePlayback(t *testing.T) {
	if os.Getenv("ALLIUM_AUDIO_MEASURE") == "" {
		t.Skip("a measurement; set ALLIUM_AUDIO_MEASURE=1")
	}
	if !codec.CanEncode() {
		t.Skip("no encoder")
	}
	const rate = 48000
	pcm := &audio.PCM{Rate: rate, Channels: 1, Samples: make([]int16, 60*rate)}
	for i := range pcm.Samples {
		pcm.Samples[i] = int16((i * 97) % 20000)
	}
	mp3, err := codec.EncodeMP3(pcm, codec.VoiceBitrate)
	if err != nil {
		t.Fatal(err)
	}
	pcm = nil
	runtime.GC()
	// malgo's BackendNull (13) is miniaudio's ma_backend_custom; the null backend
	// comes after it.
	measureBackends = []malgo.Backend{malgo.BackendNull + 1}
	defer func() { measureBackends = nil }()

	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	rss := func() int64 {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return ru.Maxrss // KiB, the peak so far
	}
	s, err := codec.Open(audio.VoiceContentType, mp3)
	if err != nil {
		t.Fatal(err)
	}
	ended := make(chan struct{})
	p := NewPlayer(s)
	p.OnEnd = func() { close(ended) }
	c0, start := cpu(), time.Now()
	if err := p.Play(); err != nil {
		t.Fatal(err)
	}
	<-ended
	c1, wall := cpu(), time.Since(start)
	t.Logf("playing 60 s: %v wall, %v CPU (%.1f%% of one core), peak RSS %d KiB", wall.Round(time.Millisecond), c1-c0, 100*float64(c1-c0)/float64(wall), rss())
	time.Sleep(5 * time.Second)
	c2 := cpu()
	t.Logf("idle 5 s after playback: %v CPU, device open: %v", c2-c1, p.Playing())
	p.Close()
}
