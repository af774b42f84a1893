package audio

import "bytes"

// ADTS (ISO/IEC 13818-7 §6.2, 14496-3 §1.A.2): every AAC frame carries a 7-byte header
// (9 with a CRC) with the sync word 0xFFF, the profile, rate and channels, and the frame's
// length.

type adtsHeader struct {
	profile   byte // object type − 1
	rateIndex byte
	channels  byte
	header    int // bytes of header
	size      int // bytes of frame, header included
	blocks    int // raw data blocks in the frame
}

func parseADTSHeader(b []byte) (adtsHeader, error) {
	// Layer must be 0; that is what tells ADTS from an MP3 frame (whose sync word is
	// 11 bits and whose layer is never 0).
	if len(b) < 7 || b[0] != 0xFF || b[1]&0xF6 != 0xF0 {
		return adtsHeader{}, errNoFrame
	}
	h := adtsHeader{
		profile:   b[2] >> 6,
		rateIndex: (b[2] >> 2) & 15,
		channels:  (b[2]&1)<<2 | b[3]>>6,
		header:    7,
		size:      int(b[3]&3)<<11 | int(b[4])<<3 | int(b[5]>>5),
		blocks:    int(b[6]&3) + 1,
	}
	if b[1]&1 == 0 {
		h.header = 9 // a CRC follows the header
	}
	if int(h.rateIndex) >= len(aacRates) || h.size <= h.header {
		return adtsHeader{}, errNoFrame
	}
	return h, nil
}

// ParseADTS takes the frames of an ADTS file. The configuration comes from the first
// header; every later frame must agree with it, as a decoder started with it expects.
func ParseADTS(b []byte) (*AACTrack, error) {
	off := skipID3(b)
	var first adtsHeader
	t := &AACTrack{}
	samples := int64(0)
	for off < len(b) {
		h, err := parseADTSHeader(b[off:])
		if err != nil {
			if len(t.Frames) == 0 {
				// Junk before the first frame: look a little further.
				next := bytes.IndexByte(b[off+1:min(len(b), off+1+maxResync)], 0xFF)
				if next < 0 {
					break
				}
				off += 1 + next
				continue
			}
			if len(b)-off < 7 {
				break // a few bytes of padding at the end
			}
			return nil, ErrDamaged
		}
		if off+h.size > len(b) {
			if len(t.Frames) == 0 {
				return nil, ErrDamaged
			}
			break // the last frame cut short; keep what came before it
		}
		if len(t.Frames) == 0 {
			first = h
		} else if h.profile != first.profile || h.rateIndex != first.rateIndex || h.channels != first.channels {
			return nil, ErrDamaged
		}
		if h.blocks != 1 {
			// Several raw blocks in one frame need their offsets split out; encoders of
			// voice notes write one block per frame.
			return nil, ErrUnsupported
		}
		t.Frames = append(t.Frames, b[off+h.header:off+h.size])
		samples += aacFrameSamples
		off += h.size
	}
	if len(t.Frames) == 0 {
		return nil, ErrFormat
	}
	t.Config = audioSpecificConfig(first.profile+1, first.rateIndex, first.channels)
	rate, channels, err := parseAudioSpecificConfig(t.Config)
	if err != nil {
		return nil, err
	}
	t.Rate, t.Channels = rate, channels
	t.Duration = samplesDuration(samples, rate)
	return t, nil
}
