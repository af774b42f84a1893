package config

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// maxConfigSize bounds a decompressed or reassembled config: libsession's multipart total
// limit (5 000 000 bytes), far above any real account, so that a hostile zstd frame
// cannot inflate without end.
const maxConfigSize = 5_000_000

var (
	zstdOnce sync.Once
	zstdEnc  *zstd.Encoder
)

func zstdInit() {
	var err error
	// SpeedFastest is zstd's level 1, what libsession compresses configs with
	// (base.hpp compression_level() = 1). The bytes differ from libzstd's, which only
	// means another client's push of the same data is not byte-identical; config identity
	// is the hash of the uncompressed message.
	zstdEnc, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	if err != nil {
		panic("config: zstd encoder: " + err.Error())
	}
}

// compressMessage returns 'z' ‖ zstd(msg) if that is shorter than msg, else msg
// (libsession base.cpp compress_message).
func compressMessage(msg []byte) []byte {
	zstdOnce.Do(zstdInit)
	z := zstdEnc.EncodeAll(msg, []byte{'z'})
	if len(z) < len(msg) {
		return z
	}
	return msg
}

// decompress reads one zstd frame of at most maxConfigSize bytes.
func decompress(b []byte) ([]byte, error) {
	r := bytes.NewReader(b)
	dec, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxConfigSize))
	if err != nil {
		return nil, fmt.Errorf("config: decompress: %w", err)
	}
	defer dec.Close()
	out, err := io.ReadAll(io.LimitReader(dec, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("config: decompress: %w", err)
	}
	if len(out) > maxConfigSize {
		return nil, fmt.Errorf("config: decompressed config too large")
	}
	return out, nil
}
