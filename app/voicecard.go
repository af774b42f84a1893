package app

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/audio/codec"
	"allium/engine"
)

// A voice message in its bubble is a player: play/pause, a seek bar, and the time played
// of the whole. One note plays at a time in a conversation; playing another, or closing
// the conversation, stops it. The speakers are open only while a note plays.

// showsVoice reports whether a file is shown as a player: a voice message that is here.
// A voice message not fetched yet is a file card, with its Download button.
func showsVoice(a engine.Attachment) bool {
	if !a.Voice || a.Path == "" {
		return false
	}
	switch a.State {
	case engine.AttachmentUploading, engine.AttachmentSent, engine.AttachmentHere:
		return true
	}
	return false
}

// voiceHeight is the height of a player: its controls, and the time under them.
func (m bubbleMetrics) voiceHeight() float32 { return m.retryH + m.gap + m.metaH }

// voicePlayback is the note playing, or paused, in a conversation.
type voicePlayback struct {
	path   string
	id     msgID
	player voicePlayer
	clock  chan struct{} // closed to stop redrawing the time; nil while not playing
}

// voiceState is where a note is: its position, and whether it plays.
func (v *conversationView) voiceState(path string) (time.Duration, bool) {
	if pb := v.playing; pb != nil && pb.path == path {
		return pb.player.Position(), pb.player.Playing()
	}
	return v.seekTo[path], false
}

// voiceDuration is a note's length, read in the background the first time it is asked
// for (0 until then).
func (v *conversationView) voiceDuration(id msgID, a engine.Attachment) time.Duration {
	if d, ok := v.durations[a.Path]; ok {
		return d
	}
	if v.durations == nil {
		v.durations = map[string]time.Duration{}
	}
	v.durations[a.Path] = 0
	background(v.p, func(*engine.Engine) (time.Duration, error) { return engine.VoiceDuration(a) },
		func(d time.Duration, err error) {
			if err == nil {
				v.durations[a.Path] = d
				v.refreshShown(id)
			}
		})
	return 0
}

// toggleVoice plays or pauses file i of a message.
func (v *conversationView) toggleVoice(m engine.Message, i int) {
	a := m.Attachments[i]
	id := msgID{m.Author, m.Timestamp}
	if pb := v.playing; pb != nil && pb.path == a.Path {
		if pb.player.Playing() {
			pb.player.Pause()
			v.stopClock(pb)
			v.refreshShown(id)
			return
		}
		v.startPlaying(pb)
		return
	}
	v.stopVoice()
	u, from := v.p.ui, v.seekTo[a.Path]
	pb := &voicePlayback{path: a.Path, id: id}
	background(v.p, func(*engine.Engine) (voicePlayer, error) {
		data, err := engine.ReadFile(a.Path) // the profile's copy is sealed
		if err != nil {
			return nil, err
		}
		s, err := codec.Open(a.ContentType, data)
		if err != nil {
			return nil, err
		}
		p := u.sound.player(s, func() { u.do(func() { v.voiceEnded(pb) }) })
		if from > 0 {
			_ = p.Seek(from)
		}
		return p, nil
	}, func(p voicePlayer, err error) {
		if err != nil {
			v.p.showError(soundSentence(err))
			return
		}
		if v.closed {
			p.Close()
			return
		}
		v.stopVoice()
		pb.player = p
		v.playing = pb
		v.startPlaying(pb)
	})
}

// startPlaying opens the speakers off the Fyne goroutine (the sound system may take a
// moment to answer) and starts the clock.
func (v *conversationView) startPlaying(pb *voicePlayback) {
	background(v.p, func(*engine.Engine) (struct{}, error) { return struct{}{}, pb.player.Play() },
		func(_ struct{}, err error) {
			if err != nil {
				v.p.showError(soundSentence(err))
				return
			}
			if v.playing != pb {
				pb.player.Pause()
				return
			}
			v.stopClock(pb)
			pb.clock = make(chan struct{})
			v.p.ui.ticker(pb.clock, func() { v.refreshShown(pb.id) })
			v.refreshShown(pb.id)
		})
}

// voiceEnded: the note played to its end; the player has closed the speakers.
func (v *conversationView) voiceEnded(pb *voicePlayback) {
	if v.playing != pb {
		return
	}
	v.stopClock(pb)
	v.refreshShown(pb.id)
}

func (v *conversationView) stopClock(pb *voicePlayback) {
	if pb.clock != nil {
		close(pb.clock)
		pb.clock = nil
	}
}

// stopVoice stops the note playing, if any, and forgets it.
func (v *conversationView) stopVoice() {
	pb := v.playing
	if pb == nil {
		return
	}
	v.playing = nil
	v.stopClock(pb)
	if v.seekTo == nil {
		v.seekTo = map[string]time.Duration{}
	}
	v.seekTo[pb.path] = 0
	pb.player.Close()
	v.refreshShown(pb.id)
}

// seekVoice moves a note to a point: the one playing at once, another when it plays.
func (v *conversationView) seekVoice(path string, to time.Duration) {
	if pb := v.playing; pb != nil && pb.path == path {
		_ = pb.player.Seek(to)
		return
	}
	if v.seekTo == nil {
		v.seekTo = map[string]time.Duration{}
	}
	v.seekTo[path] = to
}

// voiceCard is a voice message in a bubble.
type voiceCard struct {
	widget.BaseWidget
	r     *msgRow
	index int
	block attBlock

	play   *widget.Button
	seek   *widget.Slider
	clock  *canvas.Text
	objs   []fyne.CanvasObject
	path   string
	length time.Duration
}

func newVoiceCard(r *msgRow) *voiceCard {
	c := &voiceCard{r: r, clock: canvas.NewText("", color.Black), seek: widget.NewSlider(0, 1)}
	c.clock.TextSize = r.v.m.metaSize
	c.play = widget.NewButtonWithIcon("", theme.MediaPlayIcon(), func() { c.r.v.toggleVoice(c.r.msg, c.index) })
	c.seek.Step = 0.1
	c.seek.OnChanged = func(s float64) {
		c.r.v.seekVoice(c.path, time.Duration(s*float64(time.Second)))
		c.showTime(time.Duration(s * float64(time.Second)))
	}
	c.objs = []fyne.CanvasObject{c.play, c.seek, c.clock}
	c.ExtendBaseWidget(c)
	return c
}

// set shows file b.index of the row's message.
func (c *voiceCard) set(b attBlock, textColor color.Color) {
	c.index, c.block = b.index, b
	v := c.r.v
	a := c.r.msg.Attachments[b.index]
	c.path = a.Path
	c.length = v.voiceDuration(msgID{c.r.msg.Author, c.r.msg.Timestamp}, a)
	pos, playing := v.voiceState(a.Path)
	if playing {
		c.play.SetIcon(theme.MediaPauseIcon())
	} else {
		c.play.SetIcon(theme.MediaPlayIcon())
	}
	c.seek.Max = max(c.length.Seconds(), 0.1)
	c.seek.Value = min(pos.Seconds(), c.seek.Max)
	c.seek.Refresh()
	c.clock.Color = textColor
	c.showTime(pos)
	c.layout()
	canvas.Refresh(c)
}

// showTime writes "played / length", with the upload state while it goes out.
func (c *voiceCard) showTime(pos time.Duration) {
	t := playTime(min(pos, c.length)) + " / " + playTime(c.length)
	if c.length == 0 {
		t = playTime(pos) + " / …"
	}
	if c.block.detail != "" {
		t += " · " + c.block.detail
	}
	c.clock.Text = t
	c.clock.Refresh()
}

func (c *voiceCard) layout() {
	m := c.r.v.m
	c.play.Move(fyne.NewPos(0, 0))
	c.play.Resize(fyne.NewSize(m.retryH, m.retryH))
	x := m.retryH + m.gap
	c.seek.Move(fyne.NewPos(x, 0))
	c.seek.Resize(fyne.NewSize(c.block.w-x, m.retryH))
	c.clock.Move(fyne.NewPos(x, m.retryH+m.gap))
	c.clock.Resize(fyne.NewSize(c.block.w-x, m.metaH))
}

// TappedSecondary opens the message's menu, as anywhere else on the bubble.
func (c *voiceCard) TappedSecondary(ev *fyne.PointEvent) { c.r.TappedSecondary(ev) }

func (c *voiceCard) MinSize() fyne.Size {
	c.ExtendBaseWidget(c)
	return fyne.NewSize(c.block.w, c.block.h)
}

func (c *voiceCard) CreateRenderer() fyne.WidgetRenderer { return &voiceRenderer{c} }

type voiceRenderer struct{ c *voiceCard }

func (vr *voiceRenderer) Destroy()                     {}
func (vr *voiceRenderer) Objects() []fyne.CanvasObject { return vr.c.objs }
func (vr *voiceRenderer) MinSize() fyne.Size           { return vr.c.MinSize() }
func (vr *voiceRenderer) Layout(fyne.Size)             { vr.c.layout() }
func (vr *voiceRenderer) Refresh()                     { vr.c.layout(); canvas.Refresh(vr.c) }
