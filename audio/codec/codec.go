// Package codec plays and makes voice notes: it opens any note Session clients send as a
// decoded audio.Stream (MP3 in pure Go, AAC with FAAD2) and encodes what Allium records
// as MP3 with LAME. FAAD2 and LAME are C libraries; on Linux they are loaded when first
// needed (libfaad2, libmp3lame0), so that Allium starts without them. Where they are
// missing, or not built in (Windows, macOS), CanDecodeAAC and CanEncode say no and the
// app says so.
package codec

import (
	"errors"

	"allium/audio"
)

// ErrNoEncoder: this build of Allium cannot make MP3 files (recording is not available).
var ErrNoEncoder = errors.New("codec: recording voice messages is not available in this version of Allium")

// VoiceBitrate is the bit rate of the notes Allium sends, in kbit/s: speech in mono needs
// no more (desktop's 128 kbit/s doubles the size for nothing a listener hears), and a
// 300 s note stays at 2.4 MB, well under the file server's limit.
const VoiceBitrate = 64

// Open decodes a note as it is read. The format is taken from the bytes, falling back to
// the content type (audio.Sniff).
func Open(contentType string, data []byte) (audio.Stream, error) {
	switch audio.Sniff(contentType, data) {
	case audio.FormatMP3:
		return audio.OpenMP3(data)
	case audio.FormatMP4:
		t, err := audio.ParseMP4(data)
		if err != nil {
			return nil, err
		}
		return openAAC(t)
	case audio.FormatADTS:
		t, err := audio.ParseADTS(data)
		if err != nil {
			return nil, err
		}
		return openAAC(t)
	}
	return nil, audio.ErrFormat
}

// Decode decodes a whole note into memory.
func Decode(contentType string, data []byte) (*audio.PCM, error) {
	s, err := Open(contentType, data)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return audio.ReadAll(s)
}

// EncodeMP3 encodes PCM as a constant-bit-rate MP3 at kbps, mixed down to mono.
func EncodeMP3(p *audio.PCM, kbps int) ([]byte, error) {
	e, err := NewMP3Encoder(p.Rate, kbps)
	if err != nil {
		return nil, err
	}
	if err := e.Write(audio.Mono(p.Samples, p.Channels)); err != nil {
		e.Close()
		return nil, err
	}
	return e.Finish()
}
