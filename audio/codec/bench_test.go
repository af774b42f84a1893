package codec

import (
	"bytes"
	"math"
	"testing"

	"allium/audio"
)

// The longest voice note, 300 s: what recording, sending and playing one costs.

func speechLike(seconds int) *audio.PCM {
	const rate = 48000
	p := &audio.PCM{Rate: rate, Channels: 1, Samples: make([]int16, seconds*rate)}
	for i := range p.Samples {
		t := float64(i) / rate
		// A tone whose pitch and loudness wander, so that the encoder has work to do.
		p.Samples[i] = int16(12000 * math.Sin(2*math.Pi*(200+100*math.Sin(t))*t) * (0.5 + 0.5*math.Sin(3*t)))
	}
	return p
}

// BenchmarkEncodeMP3 encodes 300 s of 48 kHz mono as Allium sends it (LAME, 64 kbit/s).
func BenchmarkEncodeMP3(b *testing.B) {
	if !CanEncode() {
		b.Skip("no encoder in this build")
	}
	pcm := speechLike(300)
	b.SetBytes(int64(len(pcm.Samples) * 2))
	for b.Loop() {
		if _, err := EncodeMP3(pcm, VoiceBitrate); err != nil {
			b.Fatal(err)
		}
	}
}

func decodeAll(b *testing.B, contentType string, data []byte) {
	b.SetBytes(int64(len(data)))
	buf := make([]int16, 4800)
	for b.Loop() {
		s, err := Open(contentType, data)
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := s.Read(buf)
			if err != nil {
				break
			}
		}
		s.Close()
	}
}

// BenchmarkDecodeMP3 decodes a 300 s note as it plays (go-mp3), 48 kHz mono at
// 64 kbit/s, into a 100 ms buffer.
func BenchmarkDecodeMP3(b *testing.B) {
	if !CanEncode() {
		b.Skip("no encoder to make the note")
	}
	mp3, err := EncodeMP3(speechLike(300), VoiceBitrate)
	if err != nil {
		b.Fatal(err)
	}
	decodeAll(b, audio.VoiceContentType, mp3)
}

// BenchmarkDecodeAAC decodes 300 s of an Android note (AAC-LC 44.1 kHz mono 32 kbit/s,
// FAAD2): the ADTS fixture 300 times over, which is itself an ADTS file.
func BenchmarkDecodeAAC(b *testing.B) {
	if !CanDecodeAAC() {
		b.Skip("no AAC decoder in this build")
	}
	aac := bytes.Repeat(testdata(b, "android-legacy.aac"), 300)
	decodeAll(b, "audio/aac", aac)
}

// BenchmarkDuration reads a 300 s MP3 note's length from its frame headers.
func BenchmarkDuration(b *testing.B) {
	if !CanEncode() {
		b.Skip("no encoder to make the note")
	}
	mp3, err := EncodeMP3(speechLike(300), VoiceBitrate)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(mp3)))
	for b.Loop() {
		if _, err := audio.Duration(audio.VoiceContentType, mp3); err != nil {
			b.Fatal(err)
		}
	}
}
