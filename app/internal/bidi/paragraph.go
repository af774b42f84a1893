package bidi

import (
	"slices"
	"unicode/utf8"

	xbidi "golang.org/x/text/unicode/bidi"
)

// Base chooses a paragraph's direction.
type Base int8

const (
	// Auto takes the direction of the first strong character (BaseDirection).
	Auto Base = iota
	// ForceLeftToRight and ForceRightToLeft set it, as for a translated interface
	// whose language reads one way.
	ForceLeftToRight
	ForceRightToLeft
)

// Paragraph is one paragraph of text (no line feeds) with its characters' embedding
// levels resolved.
type Paragraph struct {
	text    string
	offsets []int // byte offset of each character, and len(text) at the end
	initial []xbidi.Class
	// explicit says whether the text has directional formatting characters; most text
	// has none, and the explicit rules have nothing to do.
	explicit bool
	levels   []uint8
	level    uint8 // the paragraph embedding level: 0 left to right, 1 right to left
}

// NewParagraph resolves the levels of text, a paragraph without line feeds (a line
// feed, like any paragraph separator, ends the paragraph's resolution early: split
// text at them first).
func NewParagraph(text string, base Base) *Paragraph {
	p := &Paragraph{text: text}
	n := utf8.RuneCountInString(text)
	p.offsets = make([]int, 0, n+1)
	p.initial = make([]xbidi.Class, 0, n)
	for i, r := range text {
		c := class(r)
		p.offsets = append(p.offsets, i)
		p.initial = append(p.initial, c)
		p.explicit = p.explicit || isFormatClass(c)
	}
	p.offsets = append(p.offsets, len(text))
	switch base {
	case ForceLeftToRight:
		p.level = 0
	case ForceRightToLeft:
		p.level = 1
	default:
		if d, _ := BaseDirection(text); d == RightToLeft {
			p.level = 1
		}
	}
	p.resolve()
	return p
}

// Direction is the paragraph's direction.
func (p *Paragraph) Direction() Direction {
	if p.level == 1 {
		return RightToLeft
	}
	return LeftToRight
}

// Text is the paragraph's text.
func (p *Paragraph) Text() string { return p.text }

// removedByX9 are the classes rule X9 takes out of the resolution.
func removedByX9(c xbidi.Class) bool {
	switch c {
	case xbidi.RLE, xbidi.LRE, xbidi.RLO, xbidi.LRO, xbidi.PDF, xbidi.BN:
		return true
	}
	return false
}

func isIsolateInitiator(c xbidi.Class) bool {
	return c == xbidi.LRI || c == xbidi.RLI || c == xbidi.FSI
}

// matchingPDIs pairs each isolate initiator with the PDI that closes it (BD9): match[i]
// is the index of the partner, or -1.
func matchingPDIs(classes []xbidi.Class) []int {
	match := make([]int, len(classes))
	var open []int
	for i, c := range classes {
		match[i] = -1
		switch {
		case isIsolateInitiator(c):
			open = append(open, i)
		case c == xbidi.PDI && len(open) > 0:
			j := open[len(open)-1]
			open = open[:len(open)-1]
			match[i], match[j] = j, i
		case c == xbidi.B:
			open = open[:0]
		}
	}
	return match
}

// firstStrong is the direction of the first strong character of classes[from:to],
// skipping isolates (P2 applied to an FSI's content); ok is false without one.
func firstStrong(classes []xbidi.Class, from, to int) (rtl, ok bool) {
	depth := 0
	for _, c := range classes[from:to] {
		switch {
		case isIsolateInitiator(c):
			depth++
		case c == xbidi.PDI:
			if depth == 0 {
				return false, false
			}
			depth--
		case depth > 0:
		case c == xbidi.L:
			return false, true
		case c == xbidi.R || c == xbidi.AL:
			return true, true
		}
	}
	return false, false
}

// resolve runs the explicit (X1–X10), weak (W1–W7), neutral (N0–N2) and implicit
// (I1–I2) rules over the paragraph.
func (p *Paragraph) resolve() {
	n := len(p.initial)
	p.levels = make([]uint8, n)
	if n == 0 {
		return
	}
	classes := slices.Clone(p.initial)
	var match []int
	if p.explicit {
		match = matchingPDIs(classes)
		p.explicitLevels(classes, match)
	} else {
		for i := range p.levels {
			p.levels[i] = p.level
		}
	}
	for _, seq := range p.runSequences(classes, match) {
		seq.resolveWeak()
		seq.resolveBrackets(p)
		seq.resolveNeutral()
		seq.resolveImplicit()
	}
	// Characters X9 removed take the level of the character before them, so that they
	// stay beside it (a zero-width non-joiner inside a Persian word stays inside it).
	for i, c := range classes {
		if removedByX9(c) {
			if i == 0 {
				p.levels[i] = p.level
			} else {
				p.levels[i] = p.levels[i-1]
			}
		}
	}
}

type status struct {
	level    uint8
	override xbidi.Class // ON for none, L or R
	isolate  bool
}

// explicit applies X1–X8: embedding levels from the formatting characters, and the
// classes that overrides force.
func (p *Paragraph) explicitLevels(classes []xbidi.Class, match []int) {
	stack := []status{{level: p.level, override: xbidi.ON}}
	overflowIsolates, overflowEmbeddings, validIsolates := 0, 0, 0
	nextLevel := func(rtl bool) uint8 {
		l := stack[len(stack)-1].level
		if rtl {
			return (l + 1) | 1
		}
		return (l + 2) &^ 1
	}
	for i, c := range classes {
		top := stack[len(stack)-1]
		switch c {
		case xbidi.RLE, xbidi.LRE, xbidi.RLO, xbidi.LRO, xbidi.RLI, xbidi.LRI, xbidi.FSI:
			isolate := isIsolateInitiator(c)
			rtl := c == xbidi.RLE || c == xbidi.RLO || c == xbidi.RLI
			if c == xbidi.FSI {
				end := match[i]
				if end < 0 {
					end = len(classes)
				}
				rtl, _ = firstStrong(classes, i+1, end)
			}
			if isolate {
				p.levels[i] = top.level
				if top.override != xbidi.ON {
					classes[i] = top.override
				}
			}
			level := nextLevel(rtl)
			if level <= maxDepth && overflowIsolates == 0 && overflowEmbeddings == 0 {
				s := status{level: level, override: xbidi.ON, isolate: isolate}
				switch c {
				case xbidi.RLO:
					s.override = xbidi.R
				case xbidi.LRO:
					s.override = xbidi.L
				}
				if isolate {
					validIsolates++
				}
				stack = append(stack, s)
			} else if isolate {
				overflowIsolates++
			} else if overflowIsolates == 0 {
				overflowEmbeddings++
			}
			if !isolate {
				p.levels[i] = top.level
			}
		case xbidi.PDI:
			switch {
			case overflowIsolates > 0:
				overflowIsolates--
			case validIsolates == 0:
			default:
				overflowEmbeddings = 0
				for !stack[len(stack)-1].isolate {
					stack = stack[:len(stack)-1]
				}
				stack = stack[:len(stack)-1]
				validIsolates--
			}
			top = stack[len(stack)-1]
			p.levels[i] = top.level
			if top.override != xbidi.ON {
				classes[i] = top.override
			}
		case xbidi.PDF:
			switch {
			case overflowIsolates > 0:
			case overflowEmbeddings > 0:
				overflowEmbeddings--
			case !top.isolate && len(stack) >= 2:
				stack = stack[:len(stack)-1]
			}
			p.levels[i] = top.level
		case xbidi.B:
			p.levels[i] = p.level
		case xbidi.BN:
			p.levels[i] = top.level
		default:
			p.levels[i] = top.level
			if top.override != xbidi.ON {
				classes[i] = top.override
			}
		}
	}
}

// sequence is an isolating run sequence (BD13): the indexes of its characters in the
// paragraph, with their classes being resolved, and the classes before and after it.
type sequence struct {
	p        *Paragraph
	idx      []int
	classes  []xbidi.Class
	level    uint8
	sos, eos xbidi.Class
}

func directionOf(level uint8) xbidi.Class {
	if level&1 == 1 {
		return xbidi.R
	}
	return xbidi.L
}

// runSequences splits the paragraph into level runs of the characters X9 keeps and
// chains the runs an isolate joins (X10).
func (p *Paragraph) runSequences(classes []xbidi.Class, match []int) []*sequence {
	// keep lists the characters X9 keeps, in order; level runs are stretches of it.
	keep := make([]int, 0, len(classes))
	isolates := false
	for i, c := range classes {
		if !removedByX9(c) {
			keep = append(keep, i)
			isolates = isolates || isIsolateInitiator(c)
		}
	}
	var seqs [][]int
	for start := 0; start < len(keep); {
		end := start + 1
		for end < len(keep) && p.levels[keep[end]] == p.levels[keep[start]] {
			end++
		}
		seqs = append(seqs, keep[start:end:end])
		start = end
	}
	if isolates {
		seqs = linkIsolates(seqs, classes, match)
	}
	// One array holds the classes of all sequences, as keep holds their indexes.
	all := make([]xbidi.Class, 0, len(keep))
	out := make([]*sequence, 0, len(seqs))
	for _, idx := range seqs {
		first, last := idx[0], idx[len(idx)-1]
		seq := &sequence{p: p, idx: idx, level: p.levels[first]}
		start := len(all)
		for _, i := range idx {
			all = append(all, classes[i])
		}
		seq.classes = all[start:len(all):len(all)]
		before := p.level
		for i := first - 1; i >= 0; i-- {
			if !removedByX9(classes[i]) {
				before = p.levels[i]
				break
			}
		}
		after := p.level
		// An isolate initiator ending a sequence has no matching PDI: after it comes the
		// paragraph's level.
		if !isIsolateInitiator(classes[last]) {
			for i := last + 1; i < len(classes); i++ {
				if !removedByX9(classes[i]) {
					after = p.levels[i]
					break
				}
			}
		}
		seq.sos = directionOf(max(before, seq.level))
		seq.eos = directionOf(max(after, seq.level))
		out = append(out, seq)
	}
	return out
}

// linkIsolates joins the level run that ends with an isolate initiator and the one that
// starts with its matching PDI into one sequence (BD13).
func linkIsolates(runs [][]int, classes []xbidi.Class, match []int) [][]int {
	var seqs [][]int
	waiting := map[int]int{} // a matching PDI's index → the sequence it continues
	for _, run := range runs {
		first, last := run[0], run[len(run)-1]
		s, ok := -1, false
		if classes[first] == xbidi.PDI && match[first] >= 0 {
			s, ok = waiting[first]
		}
		if ok {
			seqs[s] = append(seqs[s], run...)
			delete(waiting, first)
		} else {
			seqs = append(seqs, run)
			s = len(seqs) - 1
		}
		if isIsolateInitiator(classes[last]) && match[last] >= 0 {
			waiting[match[last]] = s
		}
	}
	return seqs
}

// resolveWeak applies W1–W7.
func (s *sequence) resolveWeak() {
	c := s.classes
	// W1: a non-spacing mark takes the class of the character before it.
	for k := range c {
		if c[k] != xbidi.NSM {
			continue
		}
		switch {
		case k == 0:
			c[k] = s.sos
		case isIsolateInitiator(c[k-1]) || c[k-1] == xbidi.PDI:
			c[k] = xbidi.ON
		default:
			c[k] = c[k-1]
		}
	}
	// W2: European digits after Arabic letters are Arabic numbers. W3: AL is R.
	strong := s.sos
	for k := range c {
		switch c[k] {
		case xbidi.L, xbidi.R:
			strong = c[k]
		case xbidi.AL:
			strong = xbidi.AL
			c[k] = xbidi.R
		case xbidi.EN:
			if strong == xbidi.AL {
				c[k] = xbidi.AN
			}
		}
	}
	// W4: one separator between two numbers of a kind joins them.
	for k := 1; k+1 < len(c); k++ {
		switch {
		case c[k] == xbidi.ES && c[k-1] == xbidi.EN && c[k+1] == xbidi.EN:
			c[k] = xbidi.EN
		case c[k] == xbidi.CS && c[k-1] == xbidi.EN && c[k+1] == xbidi.EN:
			c[k] = xbidi.EN
		case c[k] == xbidi.CS && c[k-1] == xbidi.AN && c[k+1] == xbidi.AN:
			c[k] = xbidi.AN
		}
	}
	// W5: terminators (%, currency signs) beside European digits are European digits.
	for k := 0; k < len(c); k++ {
		if c[k] != xbidi.ET {
			continue
		}
		end := k
		for end < len(c) && c[end] == xbidi.ET {
			end++
		}
		if (k > 0 && c[k-1] == xbidi.EN) || (end < len(c) && c[end] == xbidi.EN) {
			for j := k; j < end; j++ {
				c[j] = xbidi.EN
			}
		}
		k = end - 1
	}
	// W6: separators and terminators left over are neutral.
	for k := range c {
		switch c[k] {
		case xbidi.ES, xbidi.ET, xbidi.CS:
			c[k] = xbidi.ON
		}
	}
	// W7: European digits in a left-to-right context are left to right.
	strong = s.sos
	for k := range c {
		switch c[k] {
		case xbidi.L, xbidi.R:
			strong = c[k]
		case xbidi.EN:
			if strong == xbidi.L {
				c[k] = xbidi.L
			}
		}
	}
}

// strongOf is a resolved class as the neutral rules see it: numbers count as R.
func strongOf(c xbidi.Class) xbidi.Class {
	switch c {
	case xbidi.L:
		return xbidi.L
	case xbidi.R, xbidi.AN, xbidi.EN:
		return xbidi.R
	}
	return xbidi.ON
}

func isNeutral(c xbidi.Class) bool {
	switch c {
	case xbidi.B, xbidi.S, xbidi.WS, xbidi.ON, xbidi.LRI, xbidi.RLI, xbidi.FSI, xbidi.PDI:
		return true
	}
	return false
}

// resolveNeutral applies N1 and N2: a run of neutrals between two characters of one
// direction takes it, any other the sequence's embedding direction.
func (s *sequence) resolveNeutral() {
	c := s.classes
	e := directionOf(s.level)
	for k := 0; k < len(c); k++ {
		if !isNeutral(c[k]) {
			continue
		}
		end := k
		for end < len(c) && isNeutral(c[end]) {
			end++
		}
		before, after := s.sos, s.eos
		if k > 0 {
			before = strongOf(c[k-1])
		}
		if end < len(c) {
			after = strongOf(c[end])
		}
		set := e
		if before == after && before != xbidi.ON {
			set = before
		}
		for j := k; j < end; j++ {
			c[j] = set
		}
		k = end - 1
	}
}

// resolveImplicit applies I1 and I2 and writes the levels back to the paragraph.
func (s *sequence) resolveImplicit() {
	for k, i := range s.idx {
		l := s.level
		switch c := s.classes[k]; {
		case l&1 == 0 && c == xbidi.R:
			l++
		case l&1 == 0 && (c == xbidi.AN || c == xbidi.EN):
			l += 2
		case l&1 == 1 && (c == xbidi.L || c == xbidi.AN || c == xbidi.EN):
			l++
		}
		s.p.levels[i] = l
	}
}
