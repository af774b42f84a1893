package app

import (
	"sync"

	"fyne.io/fyne/v2"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// lineShaper measures lines drawn in the app's own font with one shaper kept for the
// app's life. fyne.MeasureText shapes a string it has not measured with a new shaper,
// which prepares the font for shaping again (its lookup tables, then a shaping plan)
// for every run of the string: half the cost of measuring a line, and more for a
// Persian line, which the bidi algorithm hands over as more runs. The widths are the
// same (TestMeasureLine): the same shaper, font and size as Fyne's.
var lineShaper struct {
	sync.Mutex
	shaper    *shaping.HarfbuzzShaper
	segmenter shaping.Segmenter
	runes     []rune
	// widths keeps what was measured, as Fyne does, for a row shown again or a line
	// of the message field that did not change; it starts again when full.
	widths map[measured]float32
}

type measured struct {
	s    string
	size float32
}

// maxMeasured bounds lineShaper.widths: the lines of a few screens of messages.
const maxMeasured = 4096

// oneFace is a Fontmap of the app's font alone.
type oneFace struct{ f *font.Face }

func (o oneFace) ResolveFace(rune) *font.Face { return o.f }

// measureLine is the width of a line of text drawn at size in the app's regular font:
// shaped here when the font has all its characters, by Fyne otherwise (an emoji needs
// Fyne's fallback fonts).
func measureLine(s string, size float32) float32 {
	face := theFont()
	if face == nil || s == "" {
		return fyne.MeasureText(s, size, fyne.TextStyle{}).Width
	}
	for _, r := range s {
		if !ignoredByFont(r) && !fontHas(r) {
			return fyne.MeasureText(s, size, fyne.TextStyle{}).Width
		}
	}
	ls := &lineShaper
	ls.Lock()
	defer ls.Unlock()
	key := measured{s, size}
	if w, ok := ls.widths[key]; ok {
		return w
	}
	if ls.widths == nil || len(ls.widths) >= maxMeasured {
		ls.widths = make(map[measured]float32, 256)
	}
	if ls.shaper == nil {
		ls.shaper = &shaping.HarfbuzzShaper{}
		ls.shaper.SetFontCacheSize(2) // one font; without a size it keeps none
	}
	ls.runes = append(ls.runes[:0], []rune(s)...)
	in := shaping.Input{
		Text: ls.runes, RunStart: 0, RunEnd: len(ls.runes),
		Direction: di.DirectionLTR,
		Face:      face,
		Size:      fixed.Int26_6(float64(size) * 64),
	}
	var adv fixed.Int26_6
	for _, run := range ls.segmenter.Split(in, oneFace{face}) {
		adv += ls.shaper.Shape(run).Advance
	}
	w := float32(float64(adv) / 64)
	ls.widths[key] = w
	return w
}
