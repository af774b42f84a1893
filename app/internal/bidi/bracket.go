package bidi

import (
	"sort"

	xbidi "golang.org/x/text/unicode/bidi"
)

// maxBrackets is how many open brackets BD16 tracks before it gives up on a sequence.
const maxBrackets = 63

// canonicalBracket folds the two angle brackets that have canonical equivalents, so
// that U+2329 pairs with U+3009 as it does with U+232A.
func canonicalBracket(r rune) rune {
	switch r {
	case 0x2329:
		return 0x3008
	case 0x232A:
		return 0x3009
	}
	return r
}

// bracketPairs finds the sequence's bracket pairs (BD16), by position in the sequence,
// ordered by their opening bracket.
func (s *sequence) bracketPairs(p *Paragraph) [][2]int {
	type opener struct {
		closing rune
		at      int
	}
	var stack []opener
	var pairs [][2]int
	for k, i := range s.idx {
		if s.classes[k] != xbidi.ON {
			continue
		}
		r := []rune(p.text[p.offsets[i]:p.offsets[i+1]])[0]
		props, _ := xbidi.LookupRune(r)
		if !props.IsBracket() {
			continue
		}
		if props.IsOpeningBracket() {
			if len(stack) == maxBrackets {
				break
			}
			stack = append(stack, opener{closing: canonicalBracket(Mirror(r)), at: k})
			continue
		}
		r = canonicalBracket(r)
		for j := len(stack) - 1; j >= 0; j-- {
			if stack[j].closing == r {
				pairs = append(pairs, [2]int{stack[j].at, k})
				stack = stack[:j]
				break
			}
		}
	}
	sort.Slice(pairs, func(a, b int) bool { return pairs[a][0] < pairs[b][0] })
	return pairs
}

// resolveBrackets applies N0: a pair of brackets takes the direction of what it
// encloses, and of its context when that disagrees with the embedding direction.
func (s *sequence) resolveBrackets(p *Paragraph) {
	e := directionOf(s.level)
	for _, pair := range s.bracketPairs(p) {
		open, closing := pair[0], pair[1]
		opposite := false
		set := xbidi.ON
		for k := open + 1; k < closing; k++ {
			switch strongOf(s.classes[k]) {
			case e:
				set = e
			case xbidi.ON:
			default:
				opposite = true
			}
			if set == e {
				break
			}
		}
		if set == xbidi.ON && opposite {
			before := s.sos
			for k := open - 1; k >= 0; k-- {
				if d := strongOf(s.classes[k]); d != xbidi.ON {
					before = d
					break
				}
			}
			set = e
			if before != e {
				set = before
			}
		}
		if set == xbidi.ON {
			continue
		}
		for _, k := range []int{open, closing} {
			s.classes[k] = set
			// Marks on a bracket follow it.
			for j := k + 1; j < len(s.idx) && p.initial[s.idx[j]] == xbidi.NSM; j++ {
				s.classes[j] = set
			}
		}
	}
}
