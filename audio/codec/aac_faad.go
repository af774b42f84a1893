//go:build linux && cgo

package codec

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>
#include <neaacdec.h>

// FAAD2 is loaded when first needed rather than linked, so that Allium starts, and plays
// MP3, on a system without libfaad2; only the phone apps' notes then can't be played.
static NeAACDecHandle (*p_open)(void);
static NeAACDecConfigurationPtr (*p_getconf)(NeAACDecHandle);
static unsigned char (*p_setconf)(NeAACDecHandle, NeAACDecConfigurationPtr);
static char (*p_init2)(NeAACDecHandle, unsigned char *, unsigned long, unsigned long *, unsigned char *);
static void *(*p_decode)(NeAACDecHandle, NeAACDecFrameInfo *, unsigned char *, unsigned long);
static void (*p_seekreset)(NeAACDecHandle, long);
static void (*p_close)(NeAACDecHandle);

static int allium_faad_load(void) {
	void *h = dlopen("libfaad.so.2", RTLD_NOW | RTLD_LOCAL);
	if (!h) return 0;
	p_open = dlsym(h, "NeAACDecOpen");
	p_getconf = dlsym(h, "NeAACDecGetCurrentConfiguration");
	p_setconf = dlsym(h, "NeAACDecSetConfiguration");
	p_init2 = dlsym(h, "NeAACDecInit2");
	p_decode = dlsym(h, "NeAACDecDecode");
	p_seekreset = dlsym(h, "NeAACDecPostSeekReset");
	p_close = dlsym(h, "NeAACDecClose");
	return p_open && p_getconf && p_setconf && p_init2 && p_decode && p_seekreset && p_close;
}

// allium_faad_open starts a decoder for an AudioSpecificConfig, giving 16-bit samples and
// mixing 5.1 down to stereo.
static NeAACDecHandle allium_faad_open(unsigned char *asc, unsigned long n) {
	NeAACDecHandle h = p_open();
	if (!h) return NULL;
	NeAACDecConfigurationPtr c = p_getconf(h);
	c->outputFormat = FAAD_FMT_16BIT;
	c->downMatrix = 1;
	p_setconf(h, c);
	unsigned long rate; unsigned char ch;
	if (p_init2(h, asc, n, &rate, &ch) < 0) {
		p_close(h);
		return NULL;
	}
	return h;
}

static void *allium_faad_decode(NeAACDecHandle h, NeAACDecFrameInfo *info, unsigned char *b, unsigned long n) {
	return p_decode(h, info, b, n);
}
static void allium_faad_seekreset(NeAACDecHandle h, long frame) { p_seekreset(h, frame); }
static void allium_faad_close(NeAACDecHandle h) { p_close(h); }
*/
import "C"

import (
	"io"
	"sync"
	"unsafe"

	"allium/audio"
)

var faad = sync.OnceValue(func() bool { return C.allium_faad_load() != 0 })

// CanDecodeAAC reports whether Android and iOS notes can be played here: whether FAAD2
// (libfaad2) is installed.
func CanDecodeAAC() bool { return faad() }

// maxBadFrames is how many frames in a row may fail before the note counts as damaged;
// one bad frame is skipped, as players do.
const maxBadFrames = 8

type aacStream struct {
	h        C.NeAACDecHandle
	track    *audio.AACTrack
	next     int     // the next access unit to decode
	pending  []int16 // decoded samples not yet read
	rate     int
	channels int
	perFrame int // sample frames one access unit decodes to (1024, or 2048 with SBR)
}

func openAAC(t *audio.AACTrack) (audio.Stream, error) {
	if !faad() {
		return nil, audio.ErrUnsupported
	}
	cfg := C.CBytes(t.Config)
	defer C.free(cfg)
	h := C.allium_faad_open((*C.uchar)(cfg), C.ulong(len(t.Config)))
	if h == nil {
		return nil, audio.ErrUnsupported
	}
	s := &aacStream{h: h, track: t}
	// The first frame that decodes tells the output's rate and channels, which can
	// differ from the configuration's (HE-AAC doubles the rate; parametric stereo makes
	// mono into two channels).
	for s.next < len(t.Frames) && s.channels == 0 {
		out, info, err := s.decode()
		if err != nil {
			if s.next >= maxBadFrames {
				break
			}
			continue
		}
		if info.samples == 0 || info.channels == 0 || info.samplerate == 0 || int(info.samples)%int(info.channels) != 0 {
			// The first frame decodes to nothing: the decoder has yet to fill its window.
			continue
		}
		s.rate, s.channels = int(info.samplerate), int(info.channels)
		s.perFrame = int(info.samples) / s.channels
		s.pending = append(s.pending[:0], out...)
	}
	if s.channels == 0 || s.channels > 2 || s.perFrame == 0 {
		s.Close()
		return nil, audio.ErrDamaged
	}
	return s, nil
}

// decode decodes the next access unit; the samples are faad's, valid until the next call.
func (s *aacStream) decode() ([]int16, C.NeAACDecFrameInfo, error) {
	var info C.NeAACDecFrameInfo
	f := s.track.Frames[s.next]
	s.next++
	if len(f) == 0 {
		return nil, info, audio.ErrDamaged
	}
	out := C.allium_faad_decode(s.h, &info, (*C.uchar)(unsafe.Pointer(&f[0])), C.ulong(len(f)))
	if info.error != 0 || out == nil {
		return nil, info, audio.ErrDamaged
	}
	if info.samples == 0 {
		return nil, info, nil
	}
	return unsafe.Slice((*int16)(out), int(info.samples)), info, nil
}

func (s *aacStream) SampleRate() int { return s.rate }
func (s *aacStream) Channels() int   { return s.channels }
func (s *aacStream) Frames() int64   { return int64(len(s.track.Frames)) * int64(s.perFrame) }

func (s *aacStream) Read(dst []int16) (int, error) {
	dst = dst[:len(dst)/s.channels*s.channels]
	n, bad := 0, 0
	for n < len(dst) {
		if len(s.pending) > 0 {
			c := copy(dst[n:], s.pending)
			s.pending = s.pending[c:]
			n += c
			continue
		}
		if s.next >= len(s.track.Frames) {
			return n, io.EOF
		}
		out, info, err := s.decode()
		if err != nil || int(info.channels) != s.channels && len(out) > 0 {
			if bad++; bad > maxBadFrames {
				return n, audio.ErrDamaged
			}
			continue
		}
		bad = 0
		s.pending = out
	}
	return n, nil
}

func (s *aacStream) SeekFrame(frame int64) error {
	frame = max(0, min(frame, s.Frames()))
	unit := int(frame / int64(s.perFrame))
	s.next = unit
	s.pending = nil
	C.allium_faad_seekreset(s.h, C.long(unit))
	// Decode into the unit and drop the samples before the frame asked for.
	skip := int(frame%int64(s.perFrame)) * s.channels
	if skip > 0 && s.next < len(s.track.Frames) {
		out, _, err := s.decode()
		if err == nil && len(out) > skip {
			s.pending = append([]int16(nil), out[skip:]...)
		}
	}
	return nil
}

func (s *aacStream) Close() error {
	if s.h != nil {
		C.allium_faad_close(s.h)
		s.h = nil
	}
	return nil
}
