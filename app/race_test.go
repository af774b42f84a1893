//go:build race

package app

// raceEnabled: the race detector makes sync.Pool drop items at random, so the list
// builds more rows than it keeps.
const raceEnabled = true
