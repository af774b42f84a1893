package device

import (
	"errors"
	"sync"
	"time"

	"github.com/gen2brain/malgo"

	"allium/audio"
)

// RecordRate is the rate Allium records at; miniaudio converts from whatever the
// microphone gives. 48 kHz is what most devices run at, and an MP3 rate.
const RecordRate = 48000

// levelEvery is how often the level callback hears from the recorder.
const levelEvery = 50 * time.Millisecond

// ErrNotRecording: Stop without a recording.
var ErrNotRecording = errors.New("device: not recording")

// Recorder records mono 16-bit audio from the default microphone, for at most a limit.
type Recorder struct {
	// Limit is the longest recording (audio.MaxVoiceDuration if zero).
	Limit time.Duration

	mu      sync.Mutex // guards the fields below; the audio thread takes it too
	ctx     *malgo.AllocatedContext
	dev     *malgo.Device
	take    *take
	running bool
}

// take is one recording's samples and callbacks, apart from the device so that the
// capture logic is tested without one.
type take struct {
	samples []int16
	max     int
	block   []int16 // samples since the last level report
	every   int
	onLevel func(float64)
	onFull  func()
	full    bool
}

func newTake(rate int, limit time.Duration, onLevel func(float64), onFull func()) *take {
	return &take{
		max:     int(int64(rate) * int64(limit) / int64(time.Second)),
		every:   int(int64(rate) * int64(levelEvery) / int64(time.Second)),
		onLevel: onLevel,
		onFull:  onFull,
	}
}

// add keeps captured samples up to the limit, reporting the level as it goes. It runs on
// the audio thread: it must be quick and must not stop the device.
func (t *take) add(in []int16) {
	if t.full {
		return
	}
	room := t.max - len(t.samples)
	if len(in) >= room {
		in = in[:room]
		t.full = true
	}
	t.samples = append(t.samples, in...)
	t.block = append(t.block, in...)
	done := 0
	for len(t.block)-done >= t.every {
		if t.onLevel != nil {
			t.onLevel(audio.Level(t.block[done : done+t.every]))
		}
		done += t.every
	}
	t.block = t.block[:copy(t.block, t.block[done:])]
	if t.full && t.onFull != nil {
		// The owner stops the recording; not from this thread.
		go t.onFull()
	}
}

// Start opens the microphone and records until Stop or Cancel. onLevel gets the meter's
// reading (0…1) every 50 ms and onFull is called once when the limit is reached; both run
// on the audio thread or a goroutine of their own and must not block. Without a
// microphone Start returns an error wrapping ErrNoMicrophone.
func (r *Recorder) Start(onLevel func(level float64), onFull func()) error {
	r.mu.Lock()
	if r.running {
		r.mu.Unlock()
		return errors.New("device: already recording")
	}
	limit := r.Limit
	if limit <= 0 {
		limit = audio.MaxVoiceDuration
	}
	t := newTake(RecordRate, limit, onLevel, onFull)
	r.take, r.running = t, true
	r.mu.Unlock()

	cfg := malgo.DefaultDeviceConfig(malgo.Capture)
	cfg.Capture.Format = malgo.FormatS16
	cfg.Capture.Channels = 1
	cfg.SampleRate = RecordRate
	cb := malgo.DeviceCallbacks{Data: func(_, in []byte, frames uint32) {
		samples := make([]int16, len(in)/2)
		for i := range samples {
			samples[i] = int16(uint16(in[2*i]) | uint16(in[2*i+1])<<8)
		}
		r.mu.Lock()
		if r.take == t {
			t.add(samples)
		}
		r.mu.Unlock()
	}}
	ctx, dev, err := open(malgo.Capture, cfg, cb, ErrNoMicrophone)
	r.mu.Lock()
	if err != nil || r.take != t {
		// Failed, or Cancel or Stop came while the microphone opened.
		if r.take == t {
			r.take, r.running = nil, false
		}
		r.mu.Unlock()
		closeDevice(ctx, dev)
		if err == nil {
			err = ErrNotRecording
		}
		return err
	}
	r.ctx, r.dev = ctx, dev
	r.mu.Unlock()
	return nil
}

// Stop ends the recording, closes the microphone and returns what was recorded.
func (r *Recorder) Stop() (*audio.PCM, error) {
	t := r.end()
	if t == nil {
		return nil, ErrNotRecording
	}
	return &audio.PCM{Rate: RecordRate, Channels: 1, Samples: t.samples}, nil
}

// Cancel ends the recording and forgets it (nothing happens if there is none).
func (r *Recorder) Cancel() { r.end() }

func (r *Recorder) end() *take {
	r.mu.Lock()
	ctx, dev, t := r.ctx, r.dev, r.take
	r.ctx, r.dev, r.take, r.running = nil, nil, nil, false
	r.mu.Unlock()
	// Outside the lock: stopping waits for the audio thread, which takes it.
	closeDevice(ctx, dev)
	return t
}
