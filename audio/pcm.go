package audio

import (
	"errors"
	"io"
	"time"
)

// PCM is decoded audio: 16-bit samples, interleaved when there is more than one channel.
type PCM struct {
	Rate     int
	Channels int
	Samples  []int16
}

// Frames is the number of sample frames (samples per channel).
func (p *PCM) Frames() int64 {
	if p.Channels <= 0 {
		return 0
	}
	return int64(len(p.Samples) / p.Channels)
}

// Duration is how long the audio plays.
func (p *PCM) Duration() time.Duration { return samplesDuration(p.Frames(), p.Rate) }

// Stream is audio decoded as it is read, so that playing a long note does not first
// decode all of it.
type Stream interface {
	SampleRate() int
	Channels() int
	// Frames is the stream's length in sample frames.
	Frames() int64
	// Read decodes into dst (interleaved) and returns the number of samples written, a
	// whole number of frames; io.EOF at the end.
	Read(dst []int16) (int, error)
	// SeekFrame moves to a sample frame (clamped to the stream).
	SeekFrame(frame int64) error
	Close() error
}

// maxDecodedSamples bounds what ReadAll keeps: 10 minutes of 48 kHz stereo, twice the
// longest voice note, so that a hostile header cannot make it fill memory.
const maxDecodedSamples = 10 * 60 * 48000 * 2

// ErrTooLong: the audio is longer than ReadAll keeps.
var ErrTooLong = errors.New("audio: the recording is too long")

// ReadAll decodes a whole stream into memory.
func ReadAll(s Stream) (*PCM, error) {
	p := &PCM{Rate: s.SampleRate(), Channels: s.Channels()}
	if p.Channels <= 0 || p.Rate <= 0 {
		return nil, ErrDamaged
	}
	if n := s.Frames() * int64(p.Channels); n > 0 && n <= maxDecodedSamples {
		p.Samples = make([]int16, 0, min(n, 1<<22))
	}
	buf := make([]int16, 4096*p.Channels)
	for {
		n, err := s.Read(buf)
		p.Samples = append(p.Samples, buf[:n]...)
		if len(p.Samples) > maxDecodedSamples {
			return nil, ErrTooLong
		}
		if err == io.EOF {
			return p, nil
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			// A decoder that neither advances nor ends would spin forever.
			return nil, ErrDamaged
		}
	}
}

// Mono mixes interleaved samples down to one channel.
func Mono(samples []int16, channels int) []int16 {
	if channels <= 1 {
		return samples
	}
	out := make([]int16, len(samples)/channels)
	for i := range out {
		sum := 0
		for c := 0; c < channels; c++ {
			sum += int(samples[i*channels+c])
		}
		out[i] = int16(sum / channels)
	}
	return out
}
