package audio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hajimehoshi/go-mp3"
)

// MP3 frame headers (ISO/IEC 11172-3 and 13818-3, Layer III only: every MP3 encoder
// writes Layer III, and go-mp3 decodes nothing else).

// mp3Header is one Layer III frame header.
type mp3Header struct {
	rate    int // samples per second
	samples int // samples per channel in the frame
	size    int // bytes, header included
	mono    bool
}

var (
	// kbit/s by bitrate index, for MPEG-1 and for MPEG-2/2.5 Layer III.
	mp3Bitrates1 = [16]int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0}
	mp3Bitrates2 = [16]int{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0}
	// Hz by sample-rate index, for MPEG-1, MPEG-2 and MPEG-2.5.
	mp3Rates = [3][3]int{{44100, 48000, 32000}, {22050, 24000, 16000}, {11025, 12000, 8000}}
)

var errNoFrame = errors.New("audio: no frame header here")

// parseMP3Header reads the frame header at b's start.
func parseMP3Header(b []byte) (mp3Header, error) {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return mp3Header{}, errNoFrame
	}
	version := (b[1] >> 3) & 3 // 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
	layer := (b[1] >> 1) & 3   // 1: Layer III
	bitrate := b[2] >> 4
	rate := (b[2] >> 2) & 3
	if version == 1 || layer != 1 || bitrate == 0 || bitrate == 15 || rate == 3 {
		// Free-format frames (bitrate 0) have no length in their header; no Session
		// client writes them.
		return mp3Header{}, errNoFrame
	}
	padding := int(b[2]>>1) & 1
	h := mp3Header{mono: b[3]>>6 == 3}
	switch version {
	case 3:
		h.rate = mp3Rates[0][rate]
		h.samples = 1152
		h.size = 144000*mp3Bitrates1[bitrate]/h.rate + padding
	case 2:
		h.rate = mp3Rates[1][rate]
		h.samples = 576
		h.size = 72000*mp3Bitrates2[bitrate]/h.rate + padding
	default:
		h.rate = mp3Rates[2][rate]
		h.samples = 576
		h.size = 72000*mp3Bitrates2[bitrate]/h.rate + padding
	}
	return h, nil
}

// skipID3 is the offset of the first byte after an ID3v2 tag at b's start (0 without one).
func skipID3(b []byte) int {
	if len(b) < 10 || string(b[:3]) != "ID3" {
		return 0
	}
	// The size is 4 bytes of 7 bits each ("syncsafe"), not counting the 10-byte header,
	// nor the 10-byte footer that flag 0x10 adds.
	size := int(b[6]&0x7F)<<21 | int(b[7]&0x7F)<<14 | int(b[8]&0x7F)<<7 | int(b[9]&0x7F)
	n := 10 + size
	if b[5]&0x10 != 0 {
		n += 10
	}
	return min(n, len(b))
}

// maxResync is how far past a bad frame the walk looks for the next header; further
// than any real frame (1441 bytes at 320 kbit/s), short enough that garbage ends quickly.
const maxResync = 4096

// mp3Frames walks the frames of an MP3 file and returns the first frame's header and the
// number of audio samples per channel. A Xing or Info frame (what LAME writes first, to
// describe the file) carries no audio and is not counted.
func mp3Frames(b []byte) (first mp3Header, samples int64, err error) {
	off := skipID3(b)
	frames := 0
	truncated := false
	for off+4 <= len(b) {
		h, err := parseMP3Header(b[off:])
		if err == nil && frames == 0 && !mp3Chain(b, off, h) {
			err = errNoFrame
		}
		if err != nil {
			// Not a frame here: look a little further, as players do after a damaged
			// frame or junk between the tag and the audio.
			next := bytes.IndexByte(b[off+1:min(len(b), off+1+maxResync)], 0xFF)
			if next < 0 {
				break
			}
			off += 1 + next
			continue
		}
		if off+h.size > len(b) {
			// A last frame cut short: its audio is not all there.
			truncated = true
			break
		}
		if frames == 0 {
			first = h
		}
		if !(frames == 0 && isInfoFrame(b[off:off+h.size])) {
			samples += int64(h.samples)
		}
		frames++
		off += h.size
	}
	if frames == 0 {
		_, err := parseMP3Header(b[skipID3(b):])
		if truncated || skipID3(b) > 0 || err == nil {
			return first, 0, ErrDamaged
		}
		return first, 0, ErrFormat
	}
	return first, samples, nil
}

// mp3Chain reports whether the frame at off is followed by another frame or by the end
// of the file: one header-shaped run of bytes in garbage is not enough to call it MP3.
func mp3Chain(b []byte, off int, h mp3Header) bool {
	next := off + h.size
	if next >= len(b)-4 {
		return next <= len(b)
	}
	_, err := parseMP3Header(b[next:])
	return err == nil
}

// isInfoFrame reports whether a frame is LAME's Xing/Info header (it sits after the side
// information, 13 to 36 bytes in; looking through the first 40 bytes finds it).
func isInfoFrame(f []byte) bool {
	f = f[:min(len(f), 40)]
	return bytes.Contains(f, []byte("Xing")) || bytes.Contains(f, []byte("Info"))
}

func mp3Duration(b []byte) (time.Duration, error) {
	first, samples, err := mp3Frames(b)
	if err != nil {
		return 0, err
	}
	return samplesDuration(samples, first.rate), nil
}

// samplesDuration is n samples per channel at rate Hz, as a duration.
func samplesDuration(n int64, rate int) time.Duration {
	if rate <= 0 {
		return 0
	}
	return time.Duration(n * int64(time.Second) / int64(rate))
}

// OpenMP3 returns a stream that decodes an MP3 file as it is read.
func OpenMP3(data []byte) (Stream, error) {
	if _, _, err := mp3Frames(data); err != nil {
		return nil, err
	}
	d, err := newMP3Decoder(data)
	if err != nil {
		return nil, err
	}
	return &mp3Stream{d: d}, nil
}

// newMP3Decoder is go-mp3's decoder. go-mp3 was written for game assets, not hostile
// files: a panic deep in its decoder on a malformed frame becomes ErrDamaged here rather
// than taking the app down.
func newMP3Decoder(data []byte) (d *mp3.Decoder, err error) {
	defer func() {
		if recover() != nil {
			d, err = nil, ErrDamaged
		}
	}()
	d, err = mp3.NewDecoder(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if d.SampleRate() <= 0 || d.Length() < 0 {
		return nil, ErrDamaged
	}
	return d, nil
}

// mp3Stream: go-mp3 always gives 16-bit little-endian stereo.
type mp3Stream struct {
	d   *mp3.Decoder
	buf []byte
}

func (s *mp3Stream) SampleRate() int { return s.d.SampleRate() }
func (s *mp3Stream) Channels() int   { return 2 }
func (s *mp3Stream) Frames() int64   { return s.d.Length() / 4 }

func (s *mp3Stream) Read(dst []int16) (n int, err error) {
	defer func() {
		if recover() != nil {
			n, err = 0, ErrDamaged
		}
	}()
	want := len(dst) / 2 * 4
	if want == 0 {
		return 0, nil
	}
	if cap(s.buf) < want {
		s.buf = make([]byte, want)
	}
	buf := s.buf[:want]
	got, err := io.ReadFull(s.d, buf)
	got -= got % 4
	for i := 0; i < got/2; i++ {
		dst[i] = int16(uint16(buf[2*i]) | uint16(buf[2*i+1])<<8)
	}
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	return got / 2, err
}

func (s *mp3Stream) SeekFrame(frame int64) (err error) {
	defer func() {
		if recover() != nil {
			err = ErrDamaged
		}
	}()
	frame = max(0, min(frame, s.Frames()))
	_, err = s.d.Seek(frame*4, io.SeekStart)
	return err
}

func (s *mp3Stream) Close() error { return nil }
