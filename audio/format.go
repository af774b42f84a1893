// Package audio reads and measures the voice notes Session clients send: it recognises
// MP3 (desktop), MPEG-4 audio with AAC (Android and iOS) and ADTS AAC (older Android
// notes), tells a note's duration without decoding it, decodes MP3 to PCM, takes the AAC
// frames out of their container for a decoder, and measures loudness for a level meter
// and a waveform. It is pure Go and does no I/O; the AAC decoder and the MP3 encoder,
// which are C libraries, live in audio/codec, and the sound devices in audio/device.
package audio

import (
	"bytes"
	"errors"
	"strings"
	"time"
)

// MaxVoiceDuration is the longest voice note Allium records, as Session Desktop
// (constants.ts MAX_VOICE_MESSAGE_DURATION).
const MaxVoiceDuration = 300 * time.Second

// VoiceContentType and VoiceFileName are what Session Desktop puts in the attachment of a
// voice note it sends, and so what Allium sends (CompositionBox.tsx).
const (
	VoiceContentType = "audio/mp3"
	VoiceFileName    = "session-audio-message"
)

var (
	// ErrFormat: the bytes are not a voice note in a format Allium reads.
	ErrFormat = errors.New("audio: not an MP3, MPEG-4 audio or AAC file")
	// ErrDamaged: the file starts as a known format but its frames or boxes do not hold
	// together (truncated, or not what it claims).
	ErrDamaged = errors.New("audio: the file is damaged or incomplete")
	// ErrUnsupported: a known container holding something Allium cannot decode (an MP4
	// without an AAC track, or AAC where no AAC decoder is built in).
	ErrUnsupported = errors.New("audio: this kind of audio cannot be played here")
)

// Format is a kind of audio file.
type Format uint8

const (
	FormatUnknown Format = iota
	FormatMP3
	// FormatMP4: an MPEG-4 file (.m4a, .mp4) with an AAC track.
	FormatMP4
	// FormatADTS: raw AAC frames, each with an ADTS header (.aac).
	FormatADTS
)

func (f Format) String() string {
	switch f {
	case FormatMP3:
		return "MP3"
	case FormatMP4:
		return "MPEG-4 audio"
	case FormatADTS:
		return "AAC"
	}
	return "unknown"
}

// IsAudioType reports whether a content type names audio that Sniff may recognise.
func IsAudioType(contentType string) bool {
	return FormatOfType(contentType) != FormatUnknown
}

// FormatOfType is the format a content type names, FormatUnknown for anything else.
// Parameters (";codecs=…") are ignored.
func FormatOfType(contentType string) Format {
	ct := strings.ToLower(strings.TrimSpace(contentType))
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = strings.TrimSpace(ct[:i])
	}
	switch ct {
	case "audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mp3", "audio/x-mpeg", "audio/x-mpeg3", "audio/mpg":
		return FormatMP3
	case "audio/mp4", "audio/m4a", "audio/x-m4a", "audio/mp4a-latm":
		return FormatMP4
	case "audio/aac", "audio/aacp", "audio/x-aac", "audio/x-hx-aac-adts":
		return FormatADTS
	}
	return FormatUnknown
}

// Sniff tells the format from a file's first bytes, falling back to what the content
// type says when the bytes say nothing. The bytes win when the two disagree: clients have
// labelled MPEG-4 files "audio/aac" (iOS reads the two as one type).
func Sniff(contentType string, data []byte) Format {
	switch {
	case len(data) >= 8 && string(data[4:8]) == "ftyp":
		return FormatMP4
	case len(data) >= 3 && string(data[:3]) == "ID3":
		return FormatMP3
	case len(data) >= 4:
		if _, err := parseADTSHeader(data); err == nil {
			return FormatADTS
		}
		if _, err := parseMP3Header(data); err == nil {
			return FormatMP3
		}
	}
	if len(data) >= 8 && bytes.Equal(data[4:8], []byte("moov")) {
		return FormatMP4
	}
	return FormatOfType(contentType)
}

// Duration is how long a note plays, read from its container or frame headers without
// decoding it.
func Duration(contentType string, data []byte) (time.Duration, error) {
	switch Sniff(contentType, data) {
	case FormatMP3:
		return mp3Duration(data)
	case FormatMP4:
		t, err := ParseMP4(data)
		if err != nil {
			return 0, err
		}
		return t.Duration, nil
	case FormatADTS:
		t, err := ParseADTS(data)
		if err != nil {
			return 0, err
		}
		return t.Duration, nil
	}
	return 0, ErrFormat
}
