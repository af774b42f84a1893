package app

import (
	"math"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"allium/audio"
	"allium/audio/codec"
	"allium/audio/device"
	"allium/engine"
)

// Fakes at the sound-device boundary only: the recorder hands over PCM as a microphone
// would, and the player keeps a position instead of driving speakers. What they carry
// goes through the real encoder, engine, file server and decoder.

type fakeRecorder struct {
	mu        sync.Mutex
	startErr  error
	pcm       *audio.PCM
	onLevel   func(float64)
	onFull    func()
	started   bool
	cancelled bool
}

func (r *fakeRecorder) Start(onLevel func(float64), onFull func()) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.startErr != nil {
		return r.startErr
	}
	r.started, r.onLevel, r.onFull = true, onLevel, onFull
	return nil
}

func (r *fakeRecorder) Stop() (*audio.PCM, error) { return r.pcm, nil }
func (r *fakeRecorder) Cancel()                   { r.cancelled = true }

type fakePlayer struct {
	s       audio.Stream
	onEnd   func()
	mu      sync.Mutex
	pos     time.Duration
	playing bool
	plays   int
	closed  bool
}

func (p *fakePlayer) Play() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.playing = true
	p.plays++
	return nil
}
func (p *fakePlayer) Pause() { p.mu.Lock(); p.playing = false; p.mu.Unlock() }
func (p *fakePlayer) Seek(d time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pos = d
	return p.s.SeekFrame(int64(d.Seconds() * float64(p.s.SampleRate())))
}
func (p *fakePlayer) Position() time.Duration { p.mu.Lock(); defer p.mu.Unlock(); return p.pos }
func (p *fakePlayer) Duration() time.Duration {
	return time.Duration(p.s.Frames()) * time.Second / time.Duration(p.s.SampleRate())
}
func (p *fakePlayer) Playing() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.playing }
func (p *fakePlayer) Close() error {
	p.mu.Lock()
	p.closed, p.playing = true, false
	p.mu.Unlock()
	return p.s.Close()
}

// end plays the note to its end, as the device does.
func (p *fakePlayer) end() {
	p.mu.Lock()
	p.pos, p.playing = p.Duration(), false
	p.mu.Unlock()
	p.onEnd()
}

type fakeSound struct {
	rec     *fakeRecorder
	players []*fakePlayer
	mu      sync.Mutex
}

func installFakeSound(u *UI, rec *fakeRecorder) *fakeSound {
	fs := &fakeSound{rec: rec}
	u.sound = sound{
		recorder: func() voiceRecorder { return rec },
		player: func(s audio.Stream, onEnd func()) voicePlayer {
			p := &fakePlayer{s: s, onEnd: onEnd}
			fs.mu.Lock()
			fs.players = append(fs.players, p)
			fs.mu.Unlock()
			return p
		},
		canRecord: func() bool { return true },
	}
	return fs
}

func tone(seconds float64) *audio.PCM {
	const rate = device.RecordRate
	p := &audio.PCM{Rate: rate, Channels: 1, Samples: make([]int16, int(seconds*rate))}
	for i := range p.Samples {
		p.Samples[i] = int16(16384 * math.Sin(2*math.Pi*330*float64(i)/rate))
	}
	return p
}

// TestRecordingStates: the microphone button's states in a composer with no engine.
func TestRecordingStates(t *testing.T) {
	c, _ := bareComposer(t)
	rec := &fakeRecorder{pcm: tone(0.4)}
	installFakeSound(c.p.ui, rec)

	c.mic.OnTapped()
	if c.recording == nil || c.entry.Visible() || !c.voice.box.Visible() || c.sendBtn.Visible() || c.attachBtn.Visible() {
		t.Fatal("recording does not show the recording bar in place of the field")
	}
	if c.mic.Icon != theme.MailSendIcon() {
		t.Error("the microphone button does not become a send button")
	}
	if got := c.voice.elapsed.Text; got != "0:00 / 5:00" {
		t.Errorf("elapsed = %q", got)
	}
	rec.onLevel(0.9)
	c.tickRecording()
	if math.Abs(c.voice.meter.level-0.9) > 1e-9 {
		t.Errorf("meter = %v", c.voice.meter.level)
	}

	// Cancel puts the field back and forgets the recording.
	test.Tap(c.voice.cancel)
	if c.recording != nil || !c.entry.Visible() || c.voice.box.Visible() || !rec.cancelled || c.mic.Icon != theme.MediaRecordIcon() {
		t.Fatal("cancel does not end the recording")
	}

	// A recording too short to mean anything is not sent, and says so.
	c.mic.OnTapped()
	c.mic.OnTapped()
	if !c.counter.Visible() || c.counter.Text != recordingShort {
		t.Errorf("short recording: %q", c.counter.Text)
	}
}

func TestNoMicrophoneSays(t *testing.T) {
	c, _ := bareComposer(t)
	installFakeSound(c.p.ui, &fakeRecorder{startErr: device.ErrNoMicrophone})
	c.mic.OnTapped()
	if c.recording != nil || !c.entry.Visible() || c.counter.Text != "No microphone found. Connect one and try again." {
		t.Fatalf("without a microphone: recording %v, notice %q", c.recording != nil, c.counter.Text)
	}
	c.p.ui.sound.canRecord = func() bool { return false }
	c.mic.OnTapped()
	if c.counter.Text != cannotRecord() {
		t.Fatalf("without an encoder: %q", c.counter.Text)
	}
}

func shownVoices(c fyne.Canvas) []*voiceCard { return shownOf[*voiceCard](c) }

// TestVoiceMessage: Alice records and sends a voice message (encoded by the real MP3
// encoder); Bob's bubble shows a player with its length; play, seek and the end of the
// note show as they happen.
func TestVoiceMessage(t *testing.T) {
	if !codec.CanEncode() {
		t.Skip("this build cannot record")
	}
	h := newHarness(t)
	rec := &fakeRecorder{pcm: tone(2)}
	installFakeSound(h.ui, rec)
	alice, bob, _, _ := contacts(t, h)

	c := alice.conv.composer
	c.mic.OnTapped()
	if c.recording == nil {
		t.Fatal("not recording")
	}
	// The limit is reached: the recorder says so and the note is sent as it is.
	rec.onFull()
	h.waitFor("the recording to be sent", func() bool { return c.recording == nil })

	var note engine.Attachment
	h.waitFor("Bob to receive the voice message", func() bool {
		for _, m := range bob.conv.msgs {
			if len(m.Attachments) == 1 && m.Attachments[0].State == engine.AttachmentHere {
				note = m.Attachments[0]
				return true
			}
		}
		return false
	})
	if !note.Voice || note.Name != audio.VoiceFileName || note.ContentType != audio.VoiceContentType {
		t.Fatalf("Bob received %+v", note)
	}
	var card *voiceCard
	h.waitFor("Bob's player with the note's length", func() bool {
		for _, vc := range shownVoices(bob.win.Canvas()) {
			if vc.path == note.Path && vc.clock.Text == "0:00 / 0:02" {
				card = vc
				return true
			}
		}
		return false
	})
	// Alice's own bubble is a player too.
	h.waitFor("Alice's player", func() bool { return len(shownVoices(alice.win.Canvas())) == 1 })

	test.Tap(card.play)
	h.waitFor("the note to play", func() bool {
		pb := bob.conv.playing
		return pb != nil && pb.player.Playing() && card.play.Icon == theme.MediaPauseIcon()
	})
	p := bob.conv.playing.player.(*fakePlayer)
	if d := p.Duration(); d < 2*time.Second || d > 2100*time.Millisecond {
		t.Errorf("decoded note of %v", d)
	}
	// Seeking moves the player.
	card.seek.SetValue(1.5)
	if p.Position() != 1500*time.Millisecond {
		t.Errorf("after the seek at %v", p.Position())
	}
	// Pausing and the end of the note show as a play button again.
	test.Tap(card.play)
	h.waitFor("the pause", func() bool { return !p.Playing() && card.play.Icon == theme.MediaPlayIcon() })
	test.Tap(card.play)
	h.waitFor("playing again", func() bool { return p.Playing() && p.plays == 2 })
	p.end()
	h.waitFor("the end of the note", func() bool { return card.play.Icon == theme.MediaPlayIcon() && card.clock.Text == "0:02 / 0:02" })

	// Closing the conversation closes the player.
	bob.showEmpty()
	if !p.closed || bob.conv != nil && bob.conv.playing != nil {
		t.Error("the player outlives its conversation")
	}
}
