package app

import (
	"bytes"
	"strings"
	"sync"
	"unicode"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/harfbuzz"

	"allium/app/internal/bidi"
	"allium/assets"
)

// Fyne (2.7) shapes each directional run of a string in its direction, so that a
// Persian word comes out right, but it places the runs side by side in logical order,
// left to right: in "من از Allium استفاده کردم" the first words end up at the far
// left. The functions here lay a line out with the bidi algorithm first (package
// bidi) and hand Fyne a string it draws as the algorithm says: the line's runs in
// visual order, each wrapped in a directional override (LRO or RLO … PDF) so that
// Fyne's shaper takes each run, in its logical order, in the direction the algorithm
// resolved. The overrides are invisible and take no width.
const (
	lro = "\u202d"
	rlo = "\u202e"
	pdf = "\u202c"
	lrm = "\u200e"
)

// visualLine is one line of text as Fyne must be given it to show it in the visual
// order of the bidi algorithm. Text that needs no reordering (any text without
// right-to-left letters, such as all English) is returned as it is.
func visualLine(line string) string {
	if !bidi.NeedsLayout(line) {
		return line
	}
	p := bidi.NewParagraph(line, bidi.Auto)
	return visualRuns(p.Line(0, len(line)))
}

// visualRuns joins the runs of a laid-out line (in visual order) into a string Fyne
// draws in that order.
func visualRuns(runs []bidi.Run) string {
	var b strings.Builder
	n := 0
	for _, r := range runs {
		n += len(r.Text) + 2*len(rlo) + len(lrm)
	}
	b.Grow(n)
	rtl := false // whether the last piece written is right to left
	for _, r := range runs {
		if r.Direction() == bidi.LeftToRight {
			b.WriteString(lro + r.Text + pdf)
			rtl = false
			continue
		}
		// Fyne shapes a run in pieces where its font changes (an emoji within Persian
		// words) and puts the pieces left to right in logical order; within a
		// right-to-left run they must go right to left, so each piece is a run of its
		// own, the last one first.
		pieces := fontPieces(r.Text)
		for i := len(pieces) - 1; i >= 0; i-- {
			if rtl {
				// Fyne would take two right-to-left pieces side by side for one run,
				// shape it right to left, and so swap them again (and give the first
				// one's leading spaces to the font of the other): a left-to-right
				// mark, invisible, keeps them apart.
				b.WriteString(lrm)
			}
			b.WriteString(rlo + pieces[i] + pdf)
			rtl = true
		}
	}
	if n := len(runs); n > 0 && strings.HasSuffix(runs[n-1].Text, " ") {
		// Fyne's shaper resolves the string as a line of its own, and a line's
		// trailing spaces go to the line's direction, which may not be the piece's
		// (rule L1): a mark after them keeps them inside it.
		b.WriteString(lrm)
	}
	return b.String()
}

// fontPieces cuts text where it passes between characters the app's font draws and
// characters it leaves to a fallback font (emoji, mostly): the places Fyne's shaper
// cuts it too.
func fontPieces(text string) []string {
	var pieces []string
	start, inFont, first := 0, false, true
	for i, r := range text {
		if ignoredByFont(r) {
			continue
		}
		has := fontHas(r)
		if first {
			inFont, first = has, false
			continue
		}
		if has != inFont {
			pieces = append(pieces, text[start:i])
			start, inFont = i, has
		}
	}
	return append(pieces, text[start:])
}

// ignoredByFont are the characters whose font does not matter, as in Fyne's shaper:
// spaces, controls and invisible characters (joiners, variation selectors) go with
// the characters around them.
func ignoredByFont(r rune) bool {
	if r < 0x2000 {
		// The common case without the tables: controls, spaces and the few invisible
		// characters of this range.
		return r <= ' ' || (r >= 0x7f && r <= 0xa0) || r == 0xad || r == 0x34f || r == 0x61c ||
			(r >= 0x17b4 && r <= 0x17b5) || (r >= 0x180b && r <= 0x180e)
	}
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) ||
		(unicode.Is(unicode.Zs, r) && r != '\u1680') || harfbuzz.IsDefaultIgnorable(r)
}

var (
	fontOnce sync.Once
	appFont  *font.Face
	// inFont has a bit for each character of the Basic Multilingual Plane the app's
	// font draws, so that most characters are looked up without the font's tables.
	inFont [0x10000 / 64]uint64
)

// theFont is the app's own font, parsed once.
func theFont() *font.Face {
	fontOnce.Do(func() {
		f, err := font.ParseTTF(bytes.NewReader(assets.FontRegular.Content()))
		if err != nil {
			return // the font is embedded: it parses (TestFontCoversPersianAndLatin)
		}
		appFont = f
		for c := rune(0); c < 0x10000; c++ {
			if _, ok := f.NominalGlyph(c); ok {
				inFont[c/64] |= 1 << (c % 64)
			}
		}
	})
	return appFont
}

// fontHas reports whether the app's own font (Vazirmatn) draws r.
func fontHas(r rune) bool {
	f := theFont()
	if f == nil {
		return true
	}
	if r < 0x10000 {
		return inFont[r/64]&(1<<(r%64)) != 0
	}
	_, ok := f.NominalGlyph(r)
	return ok
}
