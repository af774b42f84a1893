package app

import (
	"fyne.io/fyne/v2/lang"
	"math"
	"os"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/audio"
	"allium/audio/codec"
	"allium/crypto"
	"allium/engine"
)

// Recording a voice message in the composer: the microphone button starts it, and while
// it records the message field gives way to a bar with Cancel, the time so far and a level
// meter; the same button, now a send button, sends it. At five minutes the recording
// stops and is sent.

// minVoice is the shortest note worth sending: a click on and off by mistake makes less.
const minVoice = time.Second

// recording is the voice message being recorded.
type recording struct {
	rec     voiceRecorder
	started time.Time
	level   atomic.Uint64 // math.Float64bits of the meter's last reading; set on the audio thread
	stop    chan struct{} // closed when the recording ends, to stop its clock
}

// voiceBar is the row that stands for the message field while recording.
type voiceBar struct {
	box     *fyne.Container
	cancel  *widget.Button
	elapsed *widget.Label
	meter   *levelMeter
}

func newVoiceBar(c *composer) *voiceBar {
	b := &voiceBar{elapsed: widget.NewLabel(""), meter: newLevelMeter()}
	b.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), c.cancelRecording)
	dot := canvas.NewCircle(theme.Color(theme.ColorNameError))
	dot.Resize(fyne.NewSize(10, 10))
	b.box = container.NewBorder(nil, nil,
		container.NewHBox(b.cancel, container.NewCenter(container.NewGridWrap(fyne.NewSize(10, 10), dot)), b.elapsed),
		nil, container.NewPadded(b.meter))
	b.box.Hide()
	return b
}

// micPressed starts a recording, or sends the one under way.
func (c *composer) micPressed() {
	if c.recording != nil {
		c.finishRecording()
		return
	}
	u := c.p.ui
	if !u.sound.canRecord() {
		c.notice(cannotRecord())
		return
	}
	r := &recording{rec: u.sound.recorder(), stop: make(chan struct{})}
	err := r.rec.Start(func(level float64) { r.level.Store(math.Float64bits(level)) },
		func() { u.do(func() { c.recordingFull(r) }) })
	if err != nil {
		c.notice(soundSentence(err))
		return
	}
	r.started = time.Now()
	c.recording = r
	c.counter.Hide()
	c.entry.Hide()
	c.attachBtn.Hide()
	c.sendBtn.Hide()
	c.voice.box.Show()
	c.mic.SetIcon(theme.MailSendIcon())
	c.mic.Importance = widget.HighImportance
	c.mic.Refresh()
	c.tickRecording()
	u.ticker(r.stop, c.tickRecording)
}

// tickRecording shows the time so far and the level.
func (c *composer) tickRecording() {
	r := c.recording
	if r == nil {
		return
	}
	c.voice.elapsed.SetText(playTime(time.Since(r.started)) + " / " + playTime(audio.MaxVoiceDuration))
	c.voice.meter.set(math.Float64frombits(r.level.Load()))
}

// recordingFull: the recorder reached the limit; the note is sent as it is.
func (c *composer) recordingFull(r *recording) {
	if c.recording == r {
		c.finishRecording()
	}
}

// endRecording puts the message field back.
func (c *composer) endRecording() *recording {
	r := c.recording
	if r == nil {
		return nil
	}
	c.recording = nil
	close(r.stop)
	c.voice.box.Hide()
	c.entry.Show()
	c.attachBtn.Show()
	c.sendBtn.Show()
	c.mic.SetIcon(theme.MediaRecordIcon())
	c.mic.Importance = widget.MediumImportance
	c.mic.Refresh()
	return r
}

// cancelRecording forgets the recording.
func (c *composer) cancelRecording() {
	if r := c.endRecording(); r != nil {
		r.rec.Cancel()
	}
}

// finishRecording stops the microphone and sends what it recorded: encoded as MP3 and
// handed to the engine off the Fyne goroutine.
func (c *composer) finishRecording() {
	r := c.endRecording()
	if r == nil {
		return
	}
	pcm, err := r.rec.Stop()
	if err != nil {
		c.notice(soundSentence(err))
		return
	}
	if pcm.Duration() < minVoice {
		c.notice(lang.L(recordingShort))
		return
	}
	id := c.id
	background(c.p, func(e *engine.Engine) (struct{}, error) {
		return struct{}{}, sendRecording(e, id, pcm)
	}, func(_ struct{}, err error) {
		if err != nil {
			c.notice(plain(err, lang.L(voiceNotSent)))
		}
	})
}

// sendRecording encodes a recording and sends it as a voice message. The MP3 goes
// through a temporary file, which SendVoice copies into the profile.
func sendRecording(e *engine.Engine, to crypto.SessionID, pcm *audio.PCM) error {
	mp3, err := codec.EncodeMP3(pcm, codec.VoiceBitrate)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp("", "allium-voice-*.mp3")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(mp3)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	_, err = e.SendVoice(to, f.Name())
	return err
}

// levelMeter is a bar that fills with the microphone's level.
type levelMeter struct {
	widget.BaseWidget
	level  float64
	bg, fg *canvas.Rectangle
}

func newLevelMeter() *levelMeter {
	m := &levelMeter{bg: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
		fg: canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))}
	m.bg.CornerRadius, m.fg.CornerRadius = 3, 3
	m.ExtendBaseWidget(m)
	return m
}

func (m *levelMeter) set(level float64) {
	m.level = max(0, min(1, level))
	m.Refresh()
}

func (m *levelMeter) MinSize() fyne.Size { return fyne.NewSize(80, 8) }

func (m *levelMeter) CreateRenderer() fyne.WidgetRenderer { return &meterRenderer{m} }

type meterRenderer struct{ m *levelMeter }

func (r *meterRenderer) Destroy()                     {}
func (r *meterRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.m.bg, r.m.fg} }
func (r *meterRenderer) MinSize() fyne.Size           { return r.m.MinSize() }
func (r *meterRenderer) Layout(s fyne.Size) {
	h := float32(8)
	y := (s.Height - h) / 2
	r.m.bg.Move(fyne.NewPos(0, y))
	r.m.bg.Resize(fyne.NewSize(s.Width, h))
	r.m.fg.Move(fyne.NewPos(0, y))
	r.m.fg.Resize(fyne.NewSize(s.Width*float32(r.m.level), h))
}
func (r *meterRenderer) Refresh() {
	r.m.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.m.fg.FillColor = theme.Color(theme.ColorNamePrimary)
	r.Layout(r.m.Size())
	canvas.Refresh(r.m)
}
