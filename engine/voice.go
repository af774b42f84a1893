package engine

import (
	"errors"
	"fmt"
	"os"
	"time"

	"allium/audio"
	"allium/crypto"
)

// Voice messages are attachments with the voice flag, sent as Session Desktop sends them
// (docs/media.md): an MP3 file named "session-audio-message", content type "audio/mp3",
// at most 300 s. Every Session client plays MP3; notes from the phone apps (AAC) are
// received like any attachment and played by the app.

// voiceSlack is how far past MaxVoiceDuration a note may run: MP3 frames are 24 ms long
// and encoders add a frame or two, so a recording stopped at 300 s measures a little
// more.
const voiceSlack = 500 * time.Millisecond

// ErrNotVoice: a file given as a voice message is not an MP3 recording.
var ErrNotVoice = errors.New("engine: not an MP3 recording")

// VoiceTooLongError is a voice message over audio.MaxVoiceDuration. It wraps ErrTooLong.
type VoiceTooLongError struct {
	Duration, Limit time.Duration
}

func (e *VoiceTooLongError) Error() string {
	return fmt.Sprintf("engine: voice message of %v over the limit of %v", e.Duration.Round(time.Second), e.Limit)
}

func (e *VoiceTooLongError) Unwrap() error { return ErrTooLong }

// SendVoice sends an MP3 recording as a voice message, like SendFiles with one file. A
// file that is not MP3 is ErrNotVoice, one over five minutes a *VoiceTooLongError, and
// nothing is queued.
func (e *Engine) SendVoice(to crypto.SessionID, path string) (Message, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Message{}, fmt.Errorf("engine: %w", err)
	}
	if fi.Size() > MaxFileSize {
		return Message{}, &FileTooLargeError{Name: audio.VoiceFileName, Size: fi.Size(), Limit: MaxFileSize}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Message{}, fmt.Errorf("engine: %w", err)
	}
	if audio.Sniff("", data) != audio.FormatMP3 {
		return Message{}, ErrNotVoice
	}
	d, err := audio.Duration(audio.VoiceContentType, data)
	if err != nil {
		return Message{}, fmt.Errorf("%w: %w", ErrNotVoice, err)
	}
	if d > audio.MaxVoiceDuration+voiceSlack {
		return Message{}, &VoiceTooLongError{Duration: d, Limit: audio.MaxVoiceDuration}
	}
	return e.SendFiles(to, "", []File{{Path: path, Name: audio.VoiceFileName,
		ContentType: audio.VoiceContentType, Voice: true}})
}

// VoiceDuration is how long a voice message (or any audio attachment that is here)
// plays, read from its frame headers or container without decoding it.
func VoiceDuration(a Attachment) (time.Duration, error) {
	if a.Path == "" {
		return 0, ErrNotFound
	}
	data, err := ReadFile(a.Path) // the profile's copy is sealed
	if err != nil {
		return 0, fmt.Errorf("engine: %w", err)
	}
	return audio.Duration(a.ContentType, data)
}
