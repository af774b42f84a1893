package app

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"allium/engine"
)

// TestTextContrast renders the main window (the list, an open conversation with both
// people's messages, a failed one and the disappearing notice, the status line), the
// message requests and the settings in the light and the dark theme, and checks every
// text drawn against what is painted under it: at least 4.5:1 (WCAG AA).
func TestTextContrast(t *testing.T) {
	for _, look := range []string{appearanceLight, appearanceDark} {
		t.Run(look, func(t *testing.T) {
			h := newHarness(t)
			dir, _ := account(t, "Ines")
			pr := defaultPrefs()
			pr.Appearance = look
			if err := savePrefs(dir, pr); err != nil {
				t.Fatal(err)
			}
			friend := newBareUser(t, "Jon")
			stranger := newBareUser(t, "Kim")
			p := h.open(dir)
			if err := p.eng.SetContactName(friend.id, "Jon"); err != nil {
				t.Fatal(err)
			}
			if err := p.eng.SetDisappearing(friend.id, engine.Disappearing{Mode: engine.DisappearAfterSend, Timer: time.Hour}); err != nil {
				t.Fatal(err)
			}
			if _, err := friend.e.Send(p.me, "Hello Ines"); err != nil {
				t.Fatal(err)
			}
			if _, err := stranger.e.Send(p.me, "Hi, who are you?"); err != nil {
				t.Fatal(err)
			}
			h.waitFor("the request and Jon's message", func() bool {
				return len(p.sidebar.shown) == 1 && p.sidebar.shown[0].LastBody == "Hello Ines" && p.sidebar.requestsBtn.Visible()
			})
			p.openConversation(friend.id)
			h.waitFor("the conversation", func() bool { return p.conv.loaded && len(p.conv.msgs) == 1 })
			p.conv.send("Hi Jon", false)
			h.waitFor("my message", func() bool { return len(p.conv.msgs) == 2 })
			// A failed message shows its footer and actions.
			p.conv.setState(p.conv.msgs[1].Timestamp, engine.Failed, engine.FailedOffline)
			// Files: Jon's document as a card, and a picture of mine.
			doc, pic := filepath.Join(t.TempDir(), "list.txt"), filepath.Join(t.TempDir(), "me.png")
			if err := os.WriteFile(doc, []byte("bread, tea"), 0o600); err != nil {
				t.Fatal(err)
			}
			writePicture(t, pic, 120, 90)
			if _, err := friend.e.SendFiles(p.me, "", []engine.File{{Path: doc}}); err != nil {
				t.Fatal(err)
			}
			p.conv.sendFiles("", false, []stagedFile{{path: pic, name: "me.png"}})
			h.waitFor("the files", func() bool {
				n := 0
				for _, m := range p.conv.msgs {
					for _, a := range m.Attachments {
						if a.State == engine.AttachmentHere || a.State == engine.AttachmentSent {
							n++
						}
					}
				}
				return n == 2
			})
			h.waitFor("the card and the picture on screen", func() bool {
				pics, cards := shown(p.win.Canvas())
				return len(pics) == 1 && pics[0].img.Image != nil && len(cards) == 1
			})
			for _, st := range []engine.Status{engine.Online, engine.Offline, engine.Connecting} {
				p.status.set(st, engine.ProblemSeeds)
				checkContrast(t, p.win.Canvas(), look+" conversation, status "+st.String())
			}
			p.showRequests()
			checkContrast(t, p.win.Canvas(), look+" requests")
			p.showSettings()
			h.waitFor("the settings", func() bool { return !p.settings.receipts.Disabled() })
			checkContrast(t, p.win.Canvas(), look+" settings")
		})
	}
}

// paint is a rectangle painted on the canvas, in absolute coordinates.
type paint struct {
	pos, size fyne.Position
	fill      color.Color
}

// checkContrast walks everything drawn on c in painting order and checks each text
// against the colour under its middle: the rectangles painted before it there,
// blended over the window's background.
func checkContrast(t *testing.T, c fyne.Canvas, where string) {
	t.Helper()
	c.Content().Refresh()
	var painted []paint
	checked := 0
	var walk func(o fyne.CanvasObject, at fyne.Position)
	walk = func(o fyne.CanvasObject, at fyne.Position) {
		if !o.Visible() {
			return
		}
		abs := at.Add(o.Position())
		size := o.Size()
		switch o := o.(type) {
		case *canvas.Rectangle:
			painted = append(painted, paint{abs, fyne.NewPos(size.Width, size.Height), o.FillColor})
		case *canvas.Circle:
			// Text on a circle sits in its middle, inside its bounding box.
			painted = append(painted, paint{abs, fyne.NewPos(size.Width, size.Height), o.FillColor})
		case *canvas.Text:
			if o.Text == "" || size.Width <= 0 {
				return
			}
			mid := abs.Add(fyne.NewPos(size.Width/2, size.Height/2))
			bg := theme.Color(theme.ColorNameBackground)
			for _, p := range painted {
				if mid.X >= p.pos.X && mid.Y >= p.pos.Y && mid.X < p.pos.X+p.size.X && mid.Y < p.pos.Y+p.size.Y {
					bg = over(p.fill, bg)
				}
			}
			checked++
			if r := contrast(over(o.Color, bg), bg); r < 4.5 {
				t.Errorf("%s: %q is drawn at %.1f:1 (%s on %s)", where, o.Text, r, hexColor(o.Color), hexColor(bg))
			}
		case *fyne.Container:
			for _, child := range o.Objects {
				walk(child, abs)
			}
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(o).Objects() {
				walk(child, abs)
			}
		}
	}
	walk(c.Content(), fyne.Position{})
	for _, o := range c.Overlays().List() {
		walk(o, fyne.Position{})
	}
	if checked == 0 {
		t.Fatalf("%s: no text found", where)
	}
}

// over blends fg over an opaque bg.
func over(fg, bg color.Color) color.Color {
	if fg == nil {
		return bg
	}
	r, g, b, a := fg.RGBA()
	br, bgG, bb, _ := bg.RGBA()
	mix := func(f, b uint32) uint8 { return uint8((f + b*(0xffff-a)/0xffff) >> 8) }
	return color.NRGBA{R: mix(r, br), G: mix(g, bgG), B: mix(b, bb), A: 0xff}
}

// contrast is the WCAG contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func hexColor(c color.Color) string {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return fmt.Sprintf("#%02x%02x%02x/%02x", n.R, n.G, n.B, n.A)
}
