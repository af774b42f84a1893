package app

import (
	"errors"
	"fyne.io/fyne/v2/lang"
	"runtime"
	"time"

	"allium/audio"
	"allium/audio/codec"
	"allium/audio/device"
)

// The sound devices, as the views use them. The real ones (audio/device) open the
// microphone or the speakers only while recording or playing; tests put fakes here, at
// the device boundary only: the codecs they feed are the real ones.

// voiceRecorder records from the microphone (device.Recorder).
type voiceRecorder interface {
	Start(onLevel func(level float64), onFull func()) error
	Stop() (*audio.PCM, error)
	Cancel()
}

// voicePlayer plays one note (device.Player).
type voicePlayer interface {
	Play() error
	Pause()
	Seek(time.Duration) error
	Position() time.Duration
	Duration() time.Duration
	Playing() bool
	Close() error
}

// sound makes recorders and players. tick is how often a recording or a playing note
// redraws its time and level; zero (in tests) starts no clock, and the test calls the
// redraw itself.
type sound struct {
	recorder func() voiceRecorder
	player   func(s audio.Stream, onEnd func()) voicePlayer
	// canRecord reports whether MP3 can be encoded here (asked when the microphone button
	// is pressed: on Linux it loads LAME the first time).
	canRecord func() bool
	tick      time.Duration
}

func realSound() sound {
	return sound{
		recorder: func() voiceRecorder { return &device.Recorder{} },
		player: func(s audio.Stream, onEnd func()) voicePlayer {
			p := device.NewPlayer(s)
			p.OnEnd = onEnd
			return p
		},
		canRecord: codec.CanEncode,
		tick:      200 * time.Millisecond,
	}
}

// Sentences about sound, for the person.
const (
	noMicrophone     = "No microphone found. Connect one and try again."
	noSpeaker        = "No sound output found. Connect speakers or headphones and try again."
	cannotRecordHere = "Recording voice messages is not available in this version of Allium."
	installLame      = "To record voice messages, install the package libmp3lame0 (on Debian or Ubuntu: sudo apt install libmp3lame0), then start Allium again."
	installFaad      = "To play voice messages from Session's phone apps, install the package libfaad2 (on Debian or Ubuntu: sudo apt install libfaad2), then start Allium again."
	recordingShort   = "That recording was too short to send. Click the microphone, speak, then click it again to send."
	voiceUnplayable  = "This voice message was recorded in a format this version of Allium can't play. Save it and play it with another program."
	voiceDamaged     = "This voice message is damaged or incomplete and can't be played."
	voiceNotSent     = "Allium could not send the voice message. Check that the disk is not full, then try again."
)

// soundSentence words an error of the sound devices or codecs.
func soundSentence(err error) string {
	switch {
	case errors.Is(err, device.ErrNoMicrophone):
		return lang.L(noMicrophone)
	case errors.Is(err, device.ErrNoSpeaker):
		return lang.L(noSpeaker)
	case errors.Is(err, codec.ErrNoEncoder):
		return cannotRecord()
	case errors.Is(err, audio.ErrUnsupported) && runtime.GOOS == "linux" && !codec.CanDecodeAAC():
		return lang.L(installFaad)
	case errors.Is(err, audio.ErrUnsupported), errors.Is(err, audio.ErrFormat):
		return lang.L(voiceUnplayable)
	}
	return lang.L(voiceDamaged)
}

// cannotRecord says why this computer can't record: on Linux, a library to install.
func cannotRecord() string {
	if runtime.GOOS == "linux" {
		return lang.L(installLame)
	}
	return lang.L(cannotRecordHere)
}

// playTime is a duration as m:ss, in the language's digits.
func playTime(d time.Duration) string {
	s := int(d / time.Second)
	if s < 0 {
		s = 0
	}
	return digits(itoa(s/60) + ":" + string(rune('0'+s%60/10)) + string(rune('0'+s%10)))
}

// ticker calls fn on the Fyne goroutine every u's sound tick until stop is closed.
func (u *UI) ticker(stop chan struct{}, fn func()) {
	if u.sound.tick <= 0 {
		return
	}
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		t := time.NewTicker(u.sound.tick)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				u.do(fn)
			case <-stop:
				return
			case <-u.ctx.Done():
				return
			}
		}
	}()
}
