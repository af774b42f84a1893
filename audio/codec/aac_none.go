//go:build !(linux && cgo)

package codec

import "allium/audio"

// CanDecodeAAC reports whether this build plays Android and iOS notes: not here, where
// no FAAD2 library is linked.
func CanDecodeAAC() bool { return false }

func openAAC(*audio.AACTrack) (audio.Stream, error) { return nil, audio.ErrUnsupported }
