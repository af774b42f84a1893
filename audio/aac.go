package audio

import "time"

// AACTrack is the AAC audio of a file, taken out of its container for a decoder: the
// decoder configuration and each access unit (1024 samples per channel for AAC-LC).
type AACTrack struct {
	// Config is the AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) that starts a decoder.
	Config   []byte
	Rate     int
	Channels int
	// Frames are the raw access units, slices of the file's bytes.
	Frames   [][]byte
	Duration time.Duration
}

// aacRates are the sampling frequencies by index (ISO/IEC 14496-3 table 1.18).
var aacRates = [13]int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}

// aacFrameSamples is the samples per channel of one AAC-LC access unit.
const aacFrameSamples = 1024

// maxAACFrame bounds one access unit: 6144 bits per channel (ISO/IEC 14496-3 §4.5.3.1)
// for up to 8 channels.
const maxAACFrame = 6144 / 8 * 8

// audioSpecificConfig is the two-byte configuration for an object type, rate index and
// channel configuration: 5 + 4 + 4 bits, then three zero bits (frame length 1024, no
// core coder, no extension).
func audioSpecificConfig(objectType, rateIndex, channels byte) []byte {
	return []byte{objectType<<3 | rateIndex>>1, rateIndex<<7 | channels<<3}
}

// parseAudioSpecificConfig reads the rate and channel count from a configuration.
func parseAudioSpecificConfig(c []byte) (rate, channels int, err error) {
	if len(c) < 2 {
		return 0, 0, ErrDamaged
	}
	objectType := c[0] >> 3
	rateIndex := (c[0]&7)<<1 | c[1]>>7
	bits := c[1] // channel configuration at bits 6..3 when the rate is not escaped
	if objectType == 31 {
		// An escaped object type (AAC-ELD and later); not what voice notes use.
		return 0, 0, ErrUnsupported
	}
	if rateIndex == 15 {
		// An explicit 24-bit rate follows.
		if len(c) < 5 {
			return 0, 0, ErrDamaged
		}
		rate = int(c[1]&0x7F)<<17 | int(c[2])<<9 | int(c[3])<<1 | int(c[4]>>7)
		channels = int(c[4]>>3) & 15
	} else {
		if int(rateIndex) >= len(aacRates) {
			return 0, 0, ErrDamaged
		}
		rate = aacRates[rateIndex]
		channels = int(bits>>3) & 15
	}
	if rate <= 0 || channels == 0 || channels > 7 {
		// Channel configuration 0 puts the layout in a program config element; no
		// recorder of voice notes writes one.
		return 0, 0, ErrUnsupported
	}
	if channels == 7 {
		channels = 8
	}
	return rate, channels, nil
}
