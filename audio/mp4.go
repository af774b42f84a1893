package audio

import (
	"encoding/binary"
	"time"
)

// MPEG-4 files (ISO/IEC 14496-12 and -14): a tree of boxes, each a 32-bit size and a
// four-letter type. The audio track's moov/trak/mdia holds its duration (mdhd), its
// decoder configuration (stsd → mp4a → esds) and where its samples are (stbl: stsz sizes,
// stsc samples per chunk, stco/co64 chunk offsets); the samples themselves sit in mdat,
// before or after moov.

type box struct {
	typ  string
	body []byte
}

// boxes splits b into its boxes.
func boxes(b []byte) ([]box, error) {
	var out []box
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, ErrDamaged
		}
		size := uint64(binary.BigEndian.Uint32(b))
		typ := string(b[4:8])
		head := uint64(8)
		switch size {
		case 0: // to the end of the enclosing box
			size = uint64(len(b))
		case 1: // a 64-bit size follows
			if len(b) < 16 {
				return nil, ErrDamaged
			}
			size = binary.BigEndian.Uint64(b[8:])
			head = 16
		}
		if size < head || size > uint64(len(b)) {
			return nil, ErrDamaged
		}
		out = append(out, box{typ: typ, body: b[head:size]})
		b = b[size:]
	}
	return out, nil
}

// child is the first box of type typ inside body (nil if none).
func child(body []byte, typ string) ([]byte, error) {
	bs, err := boxes(body)
	if err != nil {
		return nil, err
	}
	for _, c := range bs {
		if c.typ == typ {
			return c.body, nil
		}
	}
	return nil, nil
}

// path follows a chain of box types from body.
func path(body []byte, types ...string) ([]byte, error) {
	for _, t := range types {
		c, err := child(body, t)
		if err != nil || c == nil {
			return nil, err
		}
		body = c
	}
	return body, nil
}

// ParseMP4 finds the first AAC track of an MPEG-4 file and lists its samples.
func ParseMP4(b []byte) (*AACTrack, error) {
	top, err := boxes(b)
	if err != nil {
		// The file is cut short: a note whose moov came first may still be whole up to
		// where the cut is; without the moov nothing can be found.
		top, err = boxesPrefix(b)
		if err != nil {
			return nil, err
		}
	}
	var moov []byte
	for _, bx := range top {
		if bx.typ == "moov" {
			moov = bx.body
		}
	}
	if moov == nil {
		return nil, ErrDamaged
	}
	traks, err := boxes(moov)
	if err != nil {
		return nil, ErrDamaged
	}
	for _, tr := range traks {
		if tr.typ != "trak" {
			continue
		}
		mdia, err := child(tr.body, "mdia")
		if err != nil {
			return nil, ErrDamaged
		}
		if mdia == nil {
			continue
		}
		hdlr, err := child(mdia, "hdlr")
		if err != nil {
			return nil, ErrDamaged
		}
		if len(hdlr) < 12 || string(hdlr[8:12]) != "soun" {
			continue
		}
		t, err := mp4Track(b, mdia)
		if err == ErrUnsupported {
			continue // another codec; a later track may be AAC
		}
		return t, err
	}
	// No audio track, or none in AAC.
	return nil, ErrUnsupported
}

// boxesPrefix is boxes for a file cut short: the whole boxes before the cut.
func boxesPrefix(b []byte) ([]box, error) {
	var out []box
	for len(b) >= 8 {
		size := uint64(binary.BigEndian.Uint32(b))
		if size < 8 || size > uint64(len(b)) {
			break
		}
		out = append(out, box{typ: string(b[4:8]), body: b[8:size]})
		b = b[size:]
	}
	if len(out) == 0 {
		return nil, ErrDamaged
	}
	return out, nil
}

func mp4Track(file, mdia []byte) (*AACTrack, error) {
	mdhd, err := child(mdia, "mdhd")
	if err != nil || mdhd == nil {
		return nil, ErrDamaged
	}
	timescale, length, err := parseMdhd(mdhd)
	if err != nil {
		return nil, err
	}
	stbl, err := path(mdia, "minf", "stbl")
	if err != nil || stbl == nil {
		return nil, ErrDamaged
	}
	stsd, err := child(stbl, "stsd")
	if err != nil || stsd == nil {
		return nil, ErrDamaged
	}
	config, err := mp4AudioConfig(stsd)
	if err != nil {
		return nil, err
	}
	rate, channels, err := parseAudioSpecificConfig(config)
	if err != nil {
		return nil, err
	}
	frames, err := mp4Samples(file, stbl)
	if err != nil {
		return nil, err
	}
	t := &AACTrack{Config: config, Rate: rate, Channels: channels, Frames: frames}
	if timescale > 0 && length > 0 && length != 1<<32-1 && length != 1<<64-1 {
		t.Duration = time.Duration(float64(length) / float64(timescale) * float64(time.Second))
	} else {
		t.Duration = samplesDuration(int64(len(frames))*aacFrameSamples, rate)
	}
	return t, nil
}

// parseMdhd reads the media's timescale (units per second) and duration in those units.
func parseMdhd(b []byte) (timescale, length uint64, err error) {
	if len(b) < 4 {
		return 0, 0, ErrDamaged
	}
	switch b[0] {
	case 0: // 32-bit times
		if len(b) < 20 {
			return 0, 0, ErrDamaged
		}
		return uint64(binary.BigEndian.Uint32(b[12:])), uint64(binary.BigEndian.Uint32(b[16:])), nil
	case 1: // 64-bit times
		if len(b) < 32 {
			return 0, 0, ErrDamaged
		}
		return uint64(binary.BigEndian.Uint32(b[20:])), binary.BigEndian.Uint64(b[24:]), nil
	}
	return 0, 0, ErrDamaged
}

// mp4AudioConfig finds the AudioSpecificConfig of the first sample description, which
// must be mp4a with an AAC object type.
func mp4AudioConfig(stsd []byte) ([]byte, error) {
	if len(stsd) < 8 {
		return nil, ErrDamaged
	}
	entries, err := boxes(stsd[8:])
	if err != nil || len(entries) == 0 {
		return nil, ErrDamaged
	}
	e := entries[0]
	if e.typ != "mp4a" {
		return nil, ErrUnsupported
	}
	// An audio sample entry: 8 bytes of SampleEntry, 20 of AudioSampleEntry (version 0),
	// then its boxes. QuickTime's version 1 and 2 entries add 16 or 36 bytes.
	if len(e.body) < 28 {
		return nil, ErrDamaged
	}
	skip := 28
	switch binary.BigEndian.Uint16(e.body[8:]) {
	case 1:
		skip += 16
	case 2:
		skip += 36
	}
	if len(e.body) < skip {
		return nil, ErrDamaged
	}
	esds, err := child(e.body[skip:], "esds")
	if err != nil || esds == nil || len(esds) < 4 {
		return nil, ErrDamaged
	}
	return esdsConfig(esds[4:])
}

// descriptor reads one MPEG-4 descriptor (ISO/IEC 14496-1 §7.2.2): a tag and a length of
// up to four 7-bit groups.
func descriptor(b []byte) (tag byte, body, rest []byte, err error) {
	if len(b) < 2 {
		return 0, nil, nil, ErrDamaged
	}
	tag = b[0]
	n, i := 0, 1
	for ; i < len(b) && i <= 4; i++ {
		n = n<<7 | int(b[i]&0x7F)
		if b[i]&0x80 == 0 {
			break
		}
	}
	i++
	if i > len(b) || n > len(b)-i {
		return 0, nil, nil, ErrDamaged
	}
	return tag, b[i : i+n], b[i+n:], nil
}

// esdsConfig takes the DecoderSpecificInfo out of an ES_Descriptor.
func esdsConfig(b []byte) ([]byte, error) {
	tag, es, _, err := descriptor(b)
	if err != nil || tag != 0x03 || len(es) < 3 {
		return nil, ErrDamaged
	}
	flags := es[2]
	es = es[3:] // ES_ID, flags
	if flags&0x80 != 0 {
		if len(es) < 2 {
			return nil, ErrDamaged
		}
		es = es[2:] // dependsOn_ES_ID
	}
	if flags&0x40 != 0 {
		if len(es) < 1 || len(es) < 1+int(es[0]) {
			return nil, ErrDamaged
		}
		es = es[1+int(es[0]):] // URL
	}
	if flags&0x20 != 0 {
		if len(es) < 2 {
			return nil, ErrDamaged
		}
		es = es[2:] // OCR_ES_ID
	}
	tag, dc, _, err := descriptor(es)
	if err != nil || tag != 0x04 || len(dc) < 13 {
		return nil, ErrDamaged
	}
	if dc[0] != 0x40 && dc[0] != 0x66 && dc[0] != 0x67 && dc[0] != 0x68 {
		// 0x40: MPEG-4 audio; 0x66–0x68: MPEG-2 AAC profiles. Anything else (0x6B is
		// MP3 in MP4) is not AAC.
		return nil, ErrUnsupported
	}
	tag, asc, _, err := descriptor(dc[13:])
	if err != nil || tag != 0x05 || len(asc) < 2 {
		return nil, ErrDamaged
	}
	return asc, nil
}

// mp4Samples lists the track's samples from its sample table.
func mp4Samples(file, stbl []byte) ([][]byte, error) {
	stsz, err := child(stbl, "stsz")
	if err != nil || stsz == nil || len(stsz) < 12 {
		return nil, ErrDamaged
	}
	fixed := binary.BigEndian.Uint32(stsz[4:])
	count := uint64(binary.BigEndian.Uint32(stsz[8:]))
	// Every sample takes at least a byte of the file (or 4 bytes of the table): a count
	// larger than that is a lie, and would be a huge allocation.
	if count > uint64(len(file)) || fixed == 0 && uint64(len(stsz)-12) < 4*count {
		return nil, ErrDamaged
	}
	sizes := make([]uint32, count)
	for i := range sizes {
		if fixed != 0 {
			sizes[i] = fixed
		} else {
			sizes[i] = binary.BigEndian.Uint32(stsz[12+4*i:])
		}
	}
	offsets, err := chunkOffsets(stbl)
	if err != nil {
		return nil, err
	}
	stsc, err := child(stbl, "stsc")
	if err != nil || stsc == nil || len(stsc) < 8 {
		return nil, ErrDamaged
	}
	runs := uint64(binary.BigEndian.Uint32(stsc[4:]))
	if uint64(len(stsc)-8) < 12*runs || runs == 0 && count > 0 {
		return nil, ErrDamaged
	}
	frames := make([][]byte, 0, count)
	sample := 0
	for r := uint64(0); r < runs && sample < len(sizes); r++ {
		e := stsc[8+12*r:]
		firstChunk := uint64(binary.BigEndian.Uint32(e))
		perChunk := uint64(binary.BigEndian.Uint32(e[4:]))
		lastChunk := uint64(len(offsets)) // chunks are numbered from 1
		if r+1 < runs {
			lastChunk = uint64(binary.BigEndian.Uint32(stsc[8+12*(r+1):])) - 1
		}
		if firstChunk == 0 || lastChunk > uint64(len(offsets)) || perChunk == 0 {
			return nil, ErrDamaged
		}
		for c := firstChunk; c <= lastChunk && sample < len(sizes); c++ {
			off := offsets[c-1]
			for s := uint64(0); s < perChunk && sample < len(sizes); s++ {
				size := uint64(sizes[sample])
				if size > maxAACFrame || off > uint64(len(file)) || size > uint64(len(file))-off {
					return nil, ErrDamaged
				}
				frames = append(frames, file[off:off+size])
				off += size
				sample++
			}
		}
	}
	if len(frames) == 0 || sample < len(sizes) {
		return nil, ErrDamaged
	}
	return frames, nil
}

// chunkOffsets reads stco (32-bit) or co64 (64-bit) chunk offsets.
func chunkOffsets(stbl []byte) ([]uint64, error) {
	if stco, err := child(stbl, "stco"); err != nil {
		return nil, ErrDamaged
	} else if stco != nil {
		return offsetTable(stco, 4)
	}
	co64, err := child(stbl, "co64")
	if err != nil || co64 == nil {
		return nil, ErrDamaged
	}
	return offsetTable(co64, 8)
}

func offsetTable(b []byte, width int) ([]uint64, error) {
	if len(b) < 8 {
		return nil, ErrDamaged
	}
	n := uint64(binary.BigEndian.Uint32(b[4:]))
	if uint64(len(b)-8) < n*uint64(width) {
		return nil, ErrDamaged
	}
	out := make([]uint64, n)
	for i := range out {
		if width == 4 {
			out[i] = uint64(binary.BigEndian.Uint32(b[8+4*i:]))
		} else {
			out[i] = binary.BigEndian.Uint64(b[8+8*i:])
		}
	}
	return out, nil
}
