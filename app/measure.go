package app

import (
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
	xbidi "golang.org/x/text/unicode/bidi"
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
	// cut, classes and delims are overrideRuns' buffers.
	cut     []shaping.Input
	classes []xbidi.Class
	delims  []delimEntry
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
	ls.runes = ls.runes[:0]
	for _, r := range s {
		ls.runes = append(ls.runes, r)
	}
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
	var runs []shaping.Input
	ok := false
	// A line visualLine wrote is cut from its overrides; any other, as Fyne cuts it.
	if strings.Contains(s, lro) || strings.Contains(s, rlo) {
		ls.cut, ls.classes, ls.delims, ok = overrideRuns(in, ls.cut, ls.classes, ls.delims)
		runs = ls.cut
	}
	if !ok {
		runs = ls.segmenter.Split(in, oneFace{face})
	}
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
	key = appendContext(key, run.Text, run.RunStart-1, -1)
	key = appendContext(key, run.Text, run.RunEnd, 1)
	for _, r := range run.Text[run.RunStart:run.RunEnd] {
		key = utf8.AppendRune(key, r)
	}
	return key
}

// appendContext appends to key the characters of text from i on, a step at a time, up
// to contextLength of them or the first ASCII one, and an end mark. Invalid UTF-8 bytes
// mark the ASCII character and the end: neither can be confused with a character.
func appendContext(key []byte, text []rune, i, step int) []byte {
	const ascii, end = 0xfe, 0xff
	for n := 0; n < contextLength && i >= 0 && i < len(text); n, i = n+1, i+step {
		if r := text[i]; r < 0x80 {
			key = append(key, ascii)
			break
		}
		key = utf8.AppendRune(key, text[i])
	}
	return append(key, end)
}

// overrideRuns cuts a line written by visualLine (every run in a directional override,
// with marks between them) into the runs go-text's segmenter cuts it in for Fyne,
// without the segmenter: the segmenter runs x/text's bidi algorithm again over the
// whole line to find directions that the overrides already give, and that was half
// the cost of measuring a Persian line. It reports false for any other line, which the
// segmenter then cuts (TestOverrideRuns and FuzzMeasureLine check both ways agree).
//
// The segmenter cuts where the direction of the resolved levels changes, then by
// script. For a line of this form the levels are known without the algorithm:
//   - the paragraph is right to left if its first strong character is (P2, P3, as
//     x/text applies them with no default direction: overrides do not count there);
//   - a character inside LRO … PDF is at an even level, inside RLO … PDF at an odd one
//     (X4, X5; their types become L or R, which the later rules leave alone);
//   - a strong character outside an override (the marks visualLine writes) is at an
//     even level if it is L, odd if R or AL (I1, I2);
//   - characters that X9 removes (the overrides, PDF, BN such as ZWNJ) take the level
//     of the character before them, as x/text places them, the paragraph's at the
//     start;
//   - whitespace and format characters at the end of the line go to the paragraph's
//     level (L1).
//
// Anything else (a weak or neutral character outside an override, embeddings,
// isolates, nested overrides, tabs and paragraph separators, which reset levels) is
// left to the segmenter.
func overrideRuns(in shaping.Input, runs []shaping.Input, classes []xbidi.Class, delims []delimEntry) ([]shaping.Input, []xbidi.Class, []delimEntry, bool) {
	text := in.Text
	classes = classes[:0]
	paraRTL, strong := false, false
	for _, r := range text {
		var c xbidi.Class
		if r < 0x80 {
			c = asciiClasses[r]
		} else {
			p, _ := xbidi.LookupRune(r)
			c = p.Class()
		}
		classes = append(classes, c)
		if !strong && (c == xbidi.L || c == xbidi.R || c == xbidi.AL) {
			paraRTL, strong = c != xbidi.L, true
		}
	}
	const none, ltr, rtl = 0, 1, 2
	override := none
	// prevRTL is the direction of the level of the character before, which the
	// characters removed by X9 take; the run being cut began at start.
	prevRTL, runRTL, start := paraRTL, paraRTL, 0
	// lastSolid is the end of the line before its trailing whitespace (L1).
	lastSolid := len(text)
	for lastSolid > 0 && whitespaceL1(classes[lastSolid-1]) {
		lastSolid--
	}
	runs = runs[:0]
	for i, c := range classes {
		var isRTL bool
		switch c {
		case xbidi.LRO, xbidi.RLO:
			if override != none {
				return runs, classes, delims, false
			}
			override = ltr
			if c == xbidi.RLO {
				override = rtl
			}
			isRTL = prevRTL
		case xbidi.PDF:
			if override == none {
				return runs, classes, delims, false
			}
			override = none
			isRTL = prevRTL
		case xbidi.BN:
			isRTL = prevRTL
		case xbidi.LRE, xbidi.RLE, xbidi.LRI, xbidi.RLI, xbidi.FSI, xbidi.PDI, xbidi.B, xbidi.S:
			return runs, classes, delims, false
		default:
			switch {
			case override != none:
				isRTL = override == rtl
			case c == xbidi.L:
				isRTL = false
			case c == xbidi.R || c == xbidi.AL:
				isRTL = true
			default:
				return runs, classes, delims, false
			}
		}
		prevRTL = isRTL
		if i >= lastSolid {
			isRTL = paraRTL
		}
		if i == 0 {
			runRTL = isRTL
		} else if isRTL != runRTL {
			runs = append(runs, runIn(in, start, i, runRTL))
			start, runRTL = i, isRTL
		}
	}
	if override != none {
		// An override left open: x/text closes it at the end of the line, but the
		// line is not one visualLine writes.
		return runs, classes, delims, false
	}
	runs = append(runs, runIn(in, start, len(text), runRTL))
	runs, delims = splitByScript(runs, delims)
	return runs, classes, delims, true
}

// runIn is in cut to text[start:end] in one direction.
func runIn(in shaping.Input, start, end int, rtl bool) shaping.Input {
	in.RunStart, in.RunEnd = start, end
	in.Direction = di.DirectionLTR
	if rtl {
		in.Direction = di.DirectionRTL
	}
	return in
}

// whitespaceL1 are the classes rule L1 sends to the paragraph's level at the end of a
// line, as x/text's isWhitespace has them.
func whitespaceL1(c xbidi.Class) bool {
	switch c {
	case xbidi.LRE, xbidi.RLE, xbidi.LRO, xbidi.RLO, xbidi.PDF, xbidi.LRI, xbidi.RLI, xbidi.FSI, xbidi.PDI, xbidi.BN, xbidi.WS:
		return true
	}
	return false
}

// asciiClasses are the bidi classes of the ASCII characters, looked up once.
var asciiClasses = func() (c [0x80]xbidi.Class) {
	for r := range rune(0x80) {
		p, _ := xbidi.LookupRune(r)
		c[r] = p.Class()
	}
	return c
}()

// delimEntry is an open bracket met while cutting by script, with the script it takes.
type delimEntry struct {
	index  int // in pairedDelims
	script language.Script
}

// pairedDelims are the brackets whose two sides take one script, as go-text's
// segmenter has them (shaping/paired_delims_table.go, go-text/typesetting v0.2.1):
// openings at even indices, each followed by its closing.
var pairedDelims = [...]rune{
	0x0028, 0x0029, 0x003c, 0x003e, 0x005b, 0x005d, 0x007b, 0x007d, 0x00ab, 0x00bb,
	0x2018, 0x2019, 0x201a, 0x201b, 0x201c, 0x201d, 0x201e, 0x201f, 0x2039, 0x203a,
	0x2045, 0x2046, 0x207d, 0x207e, 0x208d, 0x208e, 0xff3b, 0xff3d, 0xff5b, 0xff5d,
	0xff5f, 0xff60, 0xff62, 0xff63,
}

// splitByScript cuts runs where their script changes, as go-text's segmenter does
// (Segmenter.splitByScript, after UAX #24): Common and Inherited characters take the
// script of the run they are in (the first real script of a run that begins with
// them), and a closing bracket the script its opening took, even across runs.
func splitByScript(runs []shaping.Input, delims []delimEntry) ([]shaping.Input, []delimEntry) {
	delims = delims[:0]
	n := len(runs)
	for k := range n {
		input := runs[k]
		current := input
		current.Script = language.Common
		for i := input.RunStart; i < input.RunEnd; i++ {
			r := input.Text[i]
			script := language.LookupScript(r)
			d := -1
			if script == language.Common || script == language.Inherited {
				d = slices.Index(pairedDelims[:], r)
			}
			if d >= 0 {
				if d%2 == 0 {
					delims = append(delims, delimEntry{d, current.Script})
				} else {
					j := len(delims) - 1
					for ; j >= 0; j-- {
						if delims[j].index == d-1 {
							script = delims[j].script
							break
						}
					}
					delims = delims[:max(j, 0)]
				}
			}
			switch {
			case script == language.Common || script == language.Inherited || script == current.Script:
			case current.Script == language.Common:
				for j := range delims {
					delims[j].script = script
				}
				current.Script = script
			default:
				if i != input.RunStart {
					current.RunEnd = i
					runs = append(runs, current)
				}
				current.RunStart, current.Script = i, script
			}
		}
		current.RunEnd = input.RunEnd
		runs = append(runs, current)
	}
	// The runs cut were appended after the runs by direction.
	return append(runs[:0], runs[n:]...), delims
}
