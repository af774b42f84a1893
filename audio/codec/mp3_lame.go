//go:build linux && cgo

package codec

/*
#cgo LDFLAGS: -lmp3lame
#include <lame/lame.h>

static lame_global_flags *allium_lame_open(int rate, int kbps) {
	lame_global_flags *l = lame_init();
	if (!l) return NULL;
	lame_set_num_channels(l, 1);
	lame_set_in_samplerate(l, rate);
	lame_set_mode(l, MONO);
	lame_set_VBR(l, vbr_off);
	lame_set_brate(l, kbps);
	// 5 is LAME's default trade of speed for quality ("good"); 2 would be three times
	// slower for no difference in speech.
	lame_set_quality(l, 5);
	// No Xing/Info frame: writing it needs a seekable file, and every player reads a
	// constant bit rate's length from the size.
	lame_set_bWriteVbrTag(l, 0);
	if (lame_init_params(l) < 0) {
		lame_close(l);
		return NULL;
	}
	return l;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// CanEncode reports whether this build records voice notes.
func CanEncode() bool { return true }

// MP3Encoder encodes mono 16-bit PCM as it comes.
type MP3Encoder struct {
	l   *C.lame_global_flags
	out []byte
	buf []byte
}

// NewMP3Encoder starts an encoder for mono samples at rate Hz.
func NewMP3Encoder(rate, kbps int) (*MP3Encoder, error) {
	if rate < 8000 || rate > 192000 || kbps < 8 || kbps > 320 {
		return nil, fmt.Errorf("codec: cannot encode %d Hz at %d kbit/s", rate, kbps)
	}
	l := C.allium_lame_open(C.int(rate), C.int(kbps))
	if l == nil {
		return nil, fmt.Errorf("codec: LAME refused %d Hz at %d kbit/s", rate, kbps)
	}
	return &MP3Encoder{l: l}, nil
}

// encodeChunk keeps each call's buffers small.
const encodeChunk = 8192

// Write encodes samples.
func (e *MP3Encoder) Write(samples []int16) error {
	if e.l == nil {
		return errors.New("codec: encoder closed")
	}
	for len(samples) > 0 {
		n := min(len(samples), encodeChunk)
		// LAME's rule for the output buffer: 1.25 × samples + 7200 bytes.
		need := n*5/4 + 7200
		if cap(e.buf) < need {
			e.buf = make([]byte, need)
		}
		pcm := (*C.short)(unsafe.Pointer(&samples[0]))
		got := C.lame_encode_buffer(e.l, pcm, pcm, C.int(n), (*C.uchar)(unsafe.Pointer(&e.buf[0])), C.int(need))
		if got < 0 {
			return fmt.Errorf("codec: LAME error %d", int(got))
		}
		e.out = append(e.out, e.buf[:got]...)
		samples = samples[n:]
	}
	return nil
}

// Finish flushes the last frames, closes the encoder and returns the file.
func (e *MP3Encoder) Finish() ([]byte, error) {
	if e.l == nil {
		return nil, errors.New("codec: encoder closed")
	}
	buf := make([]byte, 7200)
	got := C.lame_encode_flush(e.l, (*C.uchar)(unsafe.Pointer(&buf[0])), C.int(len(buf)))
	e.Close()
	if got < 0 {
		return nil, fmt.Errorf("codec: LAME error %d", int(got))
	}
	return append(e.out, buf[:got]...), nil
}

// Close drops the encoder without finishing (idempotent).
func (e *MP3Encoder) Close() {
	if e.l != nil {
		C.lame_close(e.l)
		e.l = nil
	}
}
