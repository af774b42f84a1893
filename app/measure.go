package app

import (
	"sync"
	"unicode/utf8"

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
	// runs keeps the advance of each shaped run, by runKey: a line laid out with the
	// bidi algorithm is shaped as several runs, and its Persian phrases come back in
	// other lines between new numbers and Latin words. It starts again when full.
	runs map[string]fixed.Int26_6
	key  []byte
}

type measured struct {
	s    string
	size float32
}

// maxMeasured bounds lineShaper.widths: the lines of a few screens of messages.
const maxMeasured = 4096

// maxRuns bounds lineShaper.runs.
const maxRuns = 8192

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
	if ls.runs == nil {
		ls.runs = make(map[string]fixed.Int26_6, 256)
	} else if len(ls.runs) >= maxRuns {
		clear(ls.runs)
	}
	var adv fixed.Int26_6
	runs := ls.segmenter.Split(in, oneFace{face})
	if len(runs) == 1 {
		// A line of one run (any English line) is kept whole in widths already.
		w := float32(float64(ls.shaper.Shape(runs[0]).Advance) / 64)
		ls.widths[key] = w
		return w
	}
	for _, run := range runs {
		ls.key = runKey(ls.key[:0], run)
		a, ok := ls.runs[string(ls.key)]
		if !ok {
			a = ls.shaper.Shape(run).Advance
			ls.runs[string(ls.key)] = a
		}
		adv += a
	}
	w := float32(float64(adv) / 64)
	ls.widths[key] = w
	return w
}

// contextLength is how many characters HarfBuzz takes on each side of a run as its
// context (go-text's harfbuzz.contextLength).
const contextLength = 5

// runKey appends to key what a run's advance depends on: the shaper shapes the run's
// characters with its direction, script and size, and looks at the characters around
// it (its context) only to join Arabic letters across the run's ends: the first
// character on each side that is not transparent to joining decides. The key holds
// the context up to and including its first ASCII character, which stands for them all:
// no ASCII character is transparent, and all of them are non-joining. So two runs with
// the same key shape alike, whatever the rest of their lines, such as a new number
// beside a Persian phrase. The face, language and features are the same for every run
// measured here; the buffer's flags are never set, so the context does not decide
// either whether a mark at the start of a run gets a dotted circle.
func runKey(key []byte, run shaping.Input) []byte {
	key = append(key, byte(run.Direction), byte(run.Script), byte(run.Script>>8),
		byte(run.Script>>16), byte(run.Script>>24), byte(run.Size), byte(run.Size>>8),
		byte(run.Size>>16), byte(run.Size>>24))
	// Invalid UTF-8 bytes mark an ASCII character of the context and the end of each
	// part: none can be confused with a character.
	const ascii, end = 0xfe, 0xff
	for i := run.RunStart - 1; i >= 0 && i >= run.RunStart-contextLength; i-- {
		if r := run.Text[i]; r < 0x80 {
			key = append(key, ascii)
			break
		} else {
			key = utf8.AppendRune(key, r)
		}
	}
	key = append(key, end)
	for i := run.RunEnd; i < len(run.Text) && i < run.RunEnd+contextLength; i++ {
		if r := run.Text[i]; r < 0x80 {
			key = append(key, ascii)
			break
		} else {
			key = utf8.AppendRune(key, r)
		}
	}
	key = append(key, end)
	for _, r := range run.Text[run.RunStart:run.RunEnd] {
		key = utf8.AppendRune(key, r)
	}
	return key
}
