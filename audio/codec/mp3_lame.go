//go:build linux && cgo

package codec

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <lame/lame.h>

// LAME is loaded when first needed rather than linked, so that Allium starts on a system
// without libmp3lame0; only recording is then unavailable.
static lame_global_flags *(*p_init)(void);
static int (*p_channels)(lame_global_flags *, int);
static int (*p_inrate)(lame_global_flags *, int);
static int (*p_mode)(lame_global_flags *, MPEG_mode);
static int (*p_vbr)(lame_global_flags *, vbr_mode);
static int (*p_brate)(lame_global_flags *, int);
static int (*p_quality)(lame_global_flags *, int);
static int (*p_vbrtag)(lame_global_flags *, int);
static int (*p_params)(lame_global_flags *);
static int (*p_close)(lame_global_flags *);
static int (*p_encode)(lame_global_flags *, const short *, const short *, const int, unsigned char *, const int);
static int (*p_flush)(lame_global_flags *, unsigned char *, int);

static int allium_lame_load(void) {
	void *h = dlopen("libmp3lame.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h) return 0;
	p_init = dlsym(h, "lame_init");
	p_channels = dlsym(h, "lame_set_num_channels");
	p_inrate = dlsym(h, "lame_set_in_samplerate");
	p_mode = dlsym(h, "lame_set_mode");
	p_vbr = dlsym(h, "lame_set_VBR");
	p_brate = dlsym(h, "lame_set_brate");
	p_quality = dlsym(h, "lame_set_quality");
	p_vbrtag = dlsym(h, "lame_set_bWriteVbrTag");
	p_params = dlsym(h, "lame_init_params");
	p_close = dlsym(h, "lame_close");
	p_encode = dlsym(h, "lame_encode_buffer");
	p_flush = dlsym(h, "lame_encode_flush");
	return p_init && p_channels && p_inrate && p_mode && p_vbr && p_brate && p_quality &&
		p_vbrtag && p_params && p_close && p_encode && p_flush;
}

static lame_global_flags *allium_lame_open(int rate, int kbps) {
	lame_global_flags *l = p_init();
	if (!l) return NULL;
	p_channels(l, 1);
	p_inrate(l, rate);
	p_mode(l, MONO);
	p_vbr(l, vbr_off);
	p_brate(l, kbps);
	// 5 is LAME's default trade of speed for quality ("good"); 2 would be three times
	// slower for no difference in speech.
	p_quality(l, 5);
	// No Xing/Info frame: writing it needs a seekable file, and every player reads a
	// constant bit rate's length from the size.
	p_vbrtag(l, 0);
	if (p_params(l) < 0) {
		p_close(l);
		return NULL;
	}
	return l;
}

static int allium_lame_encode(lame_global_flags *l, const short *pcm, int n, unsigned char *out, int size) {
	return p_encode(l, pcm, pcm, n, out, size);
}
static int allium_lame_flush(lame_global_flags *l, unsigned char *out, int size) { return p_flush(l, out, size); }
static void allium_lame_close(lame_global_flags *l) { p_close(l); }
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"unsafe"
)

var lame = sync.OnceValue(func() bool { return C.allium_lame_load() != 0 })

// CanEncode reports whether voice notes can be recorded here: whether LAME (libmp3lame0)
// is installed.
func CanEncode() bool { return lame() }

// MP3Encoder encodes mono 16-bit PCM as it comes.
type MP3Encoder struct {
	l   *C.lame_global_flags
	out []byte
	buf []byte
}

// NewMP3Encoder starts an encoder for mono samples at rate Hz.
func NewMP3Encoder(rate, kbps int) (*MP3Encoder, error) {
	if !lame() {
		return nil, ErrNoEncoder
	}
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
		got := C.allium_lame_encode(e.l, pcm, C.int(n), (*C.uchar)(unsafe.Pointer(&e.buf[0])), C.int(need))
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
	got := C.allium_lame_flush(e.l, (*C.uchar)(unsafe.Pointer(&buf[0])), C.int(len(buf)))
	e.Close()
	if got < 0 {
		return nil, fmt.Errorf("codec: LAME error %d", int(got))
	}
	return append(e.out, buf[:got]...), nil
}

// Close drops the encoder without finishing (idempotent).
func (e *MP3Encoder) Close() {
	if e.l != nil {
		C.allium_lame_close(e.l)
		e.l = nil
	}
}
