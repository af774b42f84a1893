package audio

import "math"

// Loudness for the recorder's level meter and the player's waveform. Both are on a
// decibel scale from MeterFloor to 0 dBFS mapped to 0…1, because that is how loud
// speech sounds: on a linear scale normal speech would barely move the bar.

// MeterFloor is the quietest level the meter shows, in dBFS; quieter is 0.
const MeterFloor = -60.0

// RMS is the root mean square of samples, 0…1 of full scale.
func RMS(samples []int16) float64 {
	if len(samples) == 0 {
		return 0
	}
	var sum float64
	for _, s := range samples {
		v := float64(s) / 32768
		sum += v * v
	}
	return math.Sqrt(sum / float64(len(samples)))
}

// Peak is the largest absolute sample, 0…1 of full scale.
func Peak(samples []int16) float64 {
	peak := 0
	for _, s := range samples {
		v := int(s)
		if v < 0 {
			v = -v
		}
		peak = max(peak, v)
	}
	return float64(peak) / 32768
}

// Level is the meter's reading for a block of samples: its RMS in dBFS, scaled so that
// MeterFloor is 0 and full scale is 1.
func Level(samples []int16) float64 {
	return meter(RMS(samples))
}

func meter(linear float64) float64 {
	if linear <= 0 {
		return 0
	}
	db := 20 * math.Log10(linear)
	return math.Max(0, math.Min(1, (db-MeterFloor)/-MeterFloor))
}

// Waveform is n bars for a drawing of the whole recording: each the meter reading of one
// n-th of it (of all channels together).
func Waveform(p *PCM, n int) []float64 {
	if n <= 0 || p == nil || p.Channels <= 0 {
		return nil
	}
	bars := make([]float64, n)
	frames := p.Frames()
	if frames == 0 {
		return bars
	}
	for i := range bars {
		from := int64(i) * frames / int64(n)
		to := int64(i+1) * frames / int64(n)
		if to <= from {
			to = min(from+1, frames)
		}
		bars[i] = Level(p.Samples[from*int64(p.Channels) : to*int64(p.Channels)])
	}
	return bars
}
