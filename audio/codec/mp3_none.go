//go:build !(linux && cgo)

package codec

// CanEncode reports whether this build records voice notes: not here, where no LAME
// library is linked.
func CanEncode() bool { return false }

// MP3Encoder is not available in this build.
type MP3Encoder struct{}

// NewMP3Encoder fails with ErrNoEncoder.
func NewMP3Encoder(rate, kbps int) (*MP3Encoder, error) { return nil, ErrNoEncoder }

// Write fails with ErrNoEncoder.
func (*MP3Encoder) Write([]int16) error { return ErrNoEncoder }

// Finish fails with ErrNoEncoder.
func (*MP3Encoder) Finish() ([]byte, error) { return nil, ErrNoEncoder }

// Close does nothing.
func (*MP3Encoder) Close() {}
