//go:build race

package qr

// raceEnabled: decoding is ten times slower under the race detector.
const raceEnabled = true
