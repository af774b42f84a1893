// Package bidi lays out bidirectional text (Persian or Arabic mixed with Latin words and
// digits) with the Unicode Bidirectional Algorithm, UAX #9.
//
// golang.org/x/text/unicode/bidi carries the character data (each character's
// Bidi_Class and its paired bracket) and a complete resolver internally, but its API
// (v0.44.0) hands out only runs in logical order with a direction each: neither the
// resolved embedding levels nor the visual order of a line, and its Paragraph.Line
// resolves a line as a paragraph of its own, which UAX #9 forbids. This package therefore
// implements the rules itself (P2–P3, X1–X10, W1–W7, N0–N2, I1–I2, L1–L2) on top of
// x/text's classes; mirrored glyphs (L4) come from go-text's Unicode data, the table
// the shaper Fyne draws with uses too.
//
// Text is laid out a paragraph at a time (NewParagraph): levels are resolved over the
// whole paragraph, and each line chosen by the caller's line breaking is then reordered
// on its own (Paragraph.Line), as the algorithm requires.
package bidi

import (
	"strings"

	"github.com/go-text/typesetting/unicodedata"
	xbidi "golang.org/x/text/unicode/bidi"
)

// Direction is the direction a paragraph or a run is read in.
type Direction int8

const (
	LeftToRight Direction = iota
	RightToLeft
)

// maxDepth is the deepest embedding UAX #9 allows (BD2).
const maxDepth = 125

// class is a character's Bidi_Class.
func class(r rune) xbidi.Class {
	if r < 0x80 {
		return asciiClasses[r]
	}
	p, _ := xbidi.LookupRune(r)
	return p.Class()
}

// asciiClasses are the classes of ASCII, looked up once: Latin letters, digits, spaces
// and punctuation make up much of mixed text.
var asciiClasses = func() (t [0x80]xbidi.Class) {
	for r := range t {
		p, _ := xbidi.LookupRune(rune(r))
		t[r] = p.Class()
	}
	return t
}()

// BaseDirection is the direction of s's first paragraph by its first strong character
// (rules P2 and P3, as HTML's dir=auto does): right to left when it is Persian, Arabic
// or Hebrew, left to right otherwise, and when s has no strong character at all. The
// second result says whether a strong character was found.
func BaseDirection(s string) (Direction, bool) {
	isolates := 0
	for _, r := range s {
		switch class(r) {
		case xbidi.B:
			return LeftToRight, false
		case xbidi.LRI, xbidi.RLI, xbidi.FSI:
			isolates++
		case xbidi.PDI:
			if isolates > 0 {
				isolates--
			}
		case xbidi.L:
			if isolates == 0 {
				return LeftToRight, true
			}
		case xbidi.R, xbidi.AL:
			if isolates == 0 {
				return RightToLeft, true
			}
		}
	}
	return LeftToRight, false
}

// IsRightToLeft reports whether s's first paragraph reads right to left (BaseDirection).
func IsRightToLeft(s string) bool {
	d, _ := BaseDirection(s)
	return d == RightToLeft
}

// NeedsLayout reports whether s holds anything the algorithm would move: a character
// that is right to left, an Arabic number, or an explicit directional formatting
// character. Text without one (all of English, for instance) is shown as it is, so the
// caller can skip the work.
func NeedsLayout(s string) bool {
	for _, r := range s {
		if r < 0x0590 {
			continue // Latin, Greek, Cyrillic…: nothing below Hebrew is right to left
		}
		switch class(r) {
		case xbidi.R, xbidi.AL, xbidi.AN, xbidi.LRE, xbidi.RLE, xbidi.LRO, xbidi.RLO,
			xbidi.PDF, xbidi.LRI, xbidi.RLI, xbidi.FSI, xbidi.PDI:
			return true
		}
	}
	return false
}

// Mirror is the character that shows r in a right-to-left run: the other bracket for a
// bracket, the mirrored sign for signs like < and «; r itself otherwise (rule L4).
func Mirror(r rune) rune {
	if m, ok := unicodedata.LookupMirrorChar(r); ok {
		return m
	}
	return r
}

// Visual is s as it is seen, each paragraph (s split at line feeds) reordered as one
// line and right-to-left runs mirrored, without the formatting characters. It is what
// the tests compare; the app lays out runs (Paragraph.Line) rather than strings.
func Visual(s string) string {
	var b strings.Builder
	for i, para := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		p := NewParagraph(para, Auto)
		for _, run := range p.Line(0, len(para)) {
			b.WriteString(run.Visual())
		}
	}
	return b.String()
}
