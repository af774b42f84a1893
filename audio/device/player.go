package device

import (
	"errors"
	"io"
	"sync"
	"time"

	"github.com/gen2brain/malgo"

	"allium/audio"
)

// Player plays one decoded note. The speakers are opened by Play and closed by Pause,
// by Close and when the note ends.
type Player struct {
	// OnEnd, if set, is called (on a goroutine of its own) when the note has played to
	// its end.
	OnEnd func()

	mu      sync.Mutex // guards the fields below; the audio thread takes it too
	stream  audio.Stream
	pos     int64 // sample frames played
	ctx     *malgo.AllocatedContext
	dev     *malgo.Device
	session chan struct{} // closed to end the current playing session
	buf     []int16
	closed  bool
}

// NewPlayer plays s; Close closes s.
func NewPlayer(s audio.Stream) *Player { return &Player{stream: s} }

// Duration is the note's length.
func (p *Player) Duration() time.Duration {
	return frames(p.stream.Frames(), p.stream.SampleRate())
}

// Position is how far the note has played.
func (p *Player) Position() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return frames(p.pos, p.stream.SampleRate())
}

// Playing reports whether the speakers are open and playing.
func (p *Player) Playing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dev != nil
}

func frames(n int64, rate int) time.Duration {
	if rate <= 0 {
		return 0
	}
	return time.Duration(n * int64(time.Second) / int64(rate))
}

// Seek moves to a point of the note, playing or not.
func (p *Player) Seek(to time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := int64(to) * int64(p.stream.SampleRate()) / int64(time.Second)
	n = max(0, min(n, p.stream.Frames()))
	if err := p.stream.SeekFrame(n); err != nil {
		return err
	}
	p.pos = n
	return nil
}

// fill writes the next samples into out (16-bit little-endian, the stream's channels)
// and reports whether the note has ended; what is left of out is silence. It runs on the
// audio thread, with p.mu held.
func (p *Player) fill(out []byte) (ended bool) {
	ch := p.stream.Channels()
	want := len(out) / 2 / ch * ch
	if cap(p.buf) < want {
		p.buf = make([]int16, want)
	}
	buf := p.buf[:want]
	got := 0
	for got < want {
		n, err := p.stream.Read(buf[got:])
		got += n
		if err != nil || n == 0 {
			// The end, or a damaged part: either way this is where playing stops.
			ended = true
			break
		}
	}
	for i, s := range buf[:got] {
		out[2*i], out[2*i+1] = byte(s), byte(uint16(s)>>8)
	}
	clear(out[2*got:])
	p.pos += int64(got / ch)
	return ended
}

// Play opens the speakers and plays from the current position (from the start again if
// the note had ended). Without a sound output it returns an error wrapping ErrNoSpeaker.
func (p *Player) Play() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return errors.New("device: player closed")
	}
	if p.dev != nil {
		p.mu.Unlock()
		return nil
	}
	if p.pos >= p.stream.Frames() {
		if err := p.stream.SeekFrame(0); err != nil {
			p.mu.Unlock()
			return err
		}
		p.pos = 0
	}
	session := make(chan struct{})
	ended := make(chan struct{}, 1)
	p.session = session
	p.mu.Unlock()

	cfg := malgo.DefaultDeviceConfig(malgo.Playback)
	cfg.Playback.Format = malgo.FormatS16
	cfg.Playback.Channels = uint32(p.stream.Channels())
	cfg.SampleRate = uint32(p.stream.SampleRate())
	done := false
	cb := malgo.DeviceCallbacks{Data: func(out, _ []byte, _ uint32) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if done || p.session != session {
			clear(out)
			return
		}
		if p.fill(out) {
			done = true
			ended <- struct{}{}
		}
	}}
	ctx, dev, err := open(malgo.Playback, cfg, cb, ErrNoSpeaker)
	p.mu.Lock()
	if err != nil || p.session != session {
		// Failed, or Pause or Close came while the device opened.
		if p.session == session {
			p.session = nil
		}
		p.mu.Unlock()
		closeDevice(ctx, dev)
		return err
	}
	p.ctx, p.dev = ctx, dev
	p.mu.Unlock()

	// The owner of this playing session: it closes the speakers when the note ends.
	go func() {
		select {
		case <-ended:
			if p.stop(session) && p.OnEnd != nil {
				p.OnEnd()
			}
		case <-session:
		}
	}()
	return nil
}

// stop ends a playing session and closes the speakers; false if it had already ended.
func (p *Player) stop(session chan struct{}) bool {
	p.mu.Lock()
	if p.session != session || session == nil {
		p.mu.Unlock()
		return false
	}
	ctx, dev := p.ctx, p.dev
	p.ctx, p.dev, p.session = nil, nil, nil
	close(session)
	p.mu.Unlock()
	closeDevice(ctx, dev)
	return true
}

// Pause stops playing and closes the speakers, keeping the position.
func (p *Player) Pause() {
	p.mu.Lock()
	s := p.session
	p.mu.Unlock()
	p.stop(s)
}

// Close stops playing and closes the stream (idempotent).
func (p *Player) Close() error {
	p.Pause()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	return p.stream.Close()
}

var _ io.Closer = (*Player)(nil)
