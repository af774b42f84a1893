package bidi

import (
	"sort"
	"strings"
	"unicode/utf8"

	xbidi "golang.org/x/text/unicode/bidi"
)

// Run is a piece of a line all of one embedding level: it is drawn as one shaped piece
// of text, right to left when its level is odd.
type Run struct {
	// Text is the run's characters in logical order, without formatting characters;
	// a shaper given it in this order with Direction lays out its glyphs itself.
	Text string
	// Start and End are the run's byte offsets in the paragraph.
	Start, End int
	Level      uint8
}

// Direction is the direction the run is read in.
func (r Run) Direction() Direction {
	if r.Level&1 == 1 {
		return RightToLeft
	}
	return LeftToRight
}

// Visual is the run's text in the order it is seen: reversed and mirrored when it is
// right to left. Combining marks stay after the letter they belong to (rule L3), as
// a string handed to a left-to-right renderer needs them.
func (r Run) Visual() string {
	if r.Level&1 == 0 {
		return r.Text
	}
	rs := []rune(r.Text)
	out := make([]rune, 0, len(rs))
	for end := len(rs); end > 0; {
		start := end - 1
		for start > 0 && class(rs[start]) == xbidi.NSM {
			start--
		}
		out = append(out, Mirror(rs[start]))
		out = append(out, rs[start+1:end]...)
		end = start
	}
	return string(out)
}

// index is the character at byte offset off, or the next one.
func (p *Paragraph) index(off int) int {
	return sort.SearchInts(p.offsets, off)
}

// Levels are the resolved embedding levels of the characters of text[start:end] as a
// line, after rule L1.
func (p *Paragraph) Levels(start, end int) []uint8 {
	from, to := p.index(start), p.index(end)
	levels := append([]uint8(nil), p.levels[from:to]...)
	// L1: separators, and white space before them or at the end of the line, go back
	// to the paragraph's level, so that a line's trailing space stays at its end.
	trailing := true
	for k := len(levels) - 1; k >= 0; k-- {
		switch c := p.initial[from+k]; {
		case c == xbidi.S || c == xbidi.B:
			levels[k] = p.level
			trailing = true
		case c == xbidi.WS || isIsolateInitiator(c) || c == xbidi.PDI || removedByX9(c):
			if trailing {
				levels[k] = p.level
			}
		default:
			trailing = false
		}
	}
	return levels
}

// Line lays out text[start:end] (byte offsets, on character boundaries) as one line:
// its runs in visual order, left to right on the screen (rules L1 and L2). A caller
// that wraps text chooses the lines first, in logical order, then lays out each.
func (p *Paragraph) Line(start, end int) []Run {
	if start >= end {
		return nil
	}
	from := p.index(start)
	levels := p.Levels(start, end)
	var runs []Run
	var b strings.Builder
	runStart := 0
	for k := 0; k <= len(levels); k++ {
		if k < len(levels) && (k == runStart || levels[k] == levels[runStart]) {
			continue
		}
		// levels[runStart:k] is one level run.
		rs, re := p.offsets[from+runStart], p.offsets[from+k]
		if !p.explicit && utf8.ValidString(p.text[rs:re]) {
			// Nothing to leave out: the run is a piece of the text.
			runs = append(runs, Run{Text: p.text[rs:re], Start: rs, End: re, Level: levels[runStart]})
			runStart = k
			continue
		}
		b.Reset()
		for i := from + runStart; i < from+k; i++ {
			ch := p.text[p.offsets[i]:p.offsets[i+1]]
			switch {
			case isFormatClass(p.initial[i]):
			case !utf8.ValidString(ch):
				// A stray byte is shown as the replacement character, so that leaving
				// out a formatting character cannot join two into a new character.
				b.WriteRune(utf8.RuneError)
			default:
				b.WriteString(ch)
			}
		}
		if b.Len() > 0 {
			runs = append(runs, Run{
				Text:  b.String(),
				Start: p.offsets[from+runStart], End: p.offsets[from+k],
				Level: levels[runStart],
			})
		}
		runStart = k
	}
	// L2: from the highest level down to the lowest odd one, reverse every stretch of
	// runs at that level or higher.
	highest, lowestOdd := uint8(0), uint8(maxDepth+2)
	for _, r := range runs {
		highest = max(highest, r.Level)
		if r.Level&1 == 1 {
			lowestOdd = min(lowestOdd, r.Level)
		}
	}
	for level := highest; level >= lowestOdd && level > 0; level-- {
		for i := 0; i < len(runs); i++ {
			if runs[i].Level < level {
				continue
			}
			j := i
			for j < len(runs) && runs[j].Level >= level {
				j++
			}
			for a, z := i, j-1; a < z; a, z = a+1, z-1 {
				runs[a], runs[z] = runs[z], runs[a]
			}
			i = j
		}
	}
	return runs
}

func isFormatClass(c xbidi.Class) bool {
	switch c {
	case xbidi.LRE, xbidi.RLE, xbidi.LRO, xbidi.RLO, xbidi.PDF, xbidi.LRI, xbidi.RLI, xbidi.FSI, xbidi.PDI:
		return true
	}
	return false
}
