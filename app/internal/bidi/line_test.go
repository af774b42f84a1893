package bidi

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// visualLine is a line as it is seen, from its runs.
func visualLine(runs []Run) string {
	var b strings.Builder
	for _, r := range runs {
		b.WriteString(r.Visual())
	}
	return b.String()
}

// TestLine: a paragraph's lines are reordered each on its own, with the levels of the
// whole paragraph (worked out by hand from UAX #9).
func TestLine(t *testing.T) {
	for _, c := range []struct {
		name, para string
		lines      []string // the paragraph cut into lines, in logical order
		want       []string // each line as it is seen
		dir        Direction
	}{
		{
			name:  "persian sentence wrapped after its latin word",
			para:  "من از Allium استفاده می\u200cکنم",
			lines: []string{"من از Allium", "استفاده می\u200cکنم"},
			want:  []string{"Allium زا نم", "منک\u200cیم هدافتسا"},
			dir:   RightToLeft,
		},
		{
			// On its own the second line would read left to right; in its paragraph it
			// is a left-to-right run inside a right-to-left paragraph.
			name:  "latin line of a persian paragraph",
			para:  "سلام Allium is good",
			lines: []string{"سلام", "Allium is good"},
			want:  []string{"مالس", "Allium is good"},
			dir:   RightToLeft,
		},
		{
			// L1: the space at the end of a line goes to the paragraph's level, at the
			// line's end (the left, in a right-to-left paragraph).
			name:  "trailing space",
			para:  "سلام abc def",
			lines: []string{"سلام abc ", "def"},
			want:  []string{" abc مالس", "def"},
			dir:   RightToLeft,
		},
		{
			name:  "english paragraph with a persian phrase cut in two",
			para:  "I said سلام دنیا to them",
			lines: []string{"I said سلام", "دنیا to them"},
			want:  []string{"I said مالس", "ایند to them"},
			dir:   LeftToRight,
		},
		{
			name:  "brackets mirrored in a right-to-left line",
			para:  "سلام (دنیا) [خوب]",
			lines: []string{"سلام (دنیا)", "[خوب]"},
			want:  []string{"(ایند) مالس", "[بوخ]"},
			dir:   RightToLeft,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := NewParagraph(c.para, Auto)
			if p.Direction() != c.dir {
				t.Errorf("direction %v, want %v", p.Direction(), c.dir)
			}
			start := 0
			for i, line := range c.lines {
				start = strings.Index(c.para[start:], line) + start
				got := visualLine(p.Line(start, start+len(line)))
				if got != c.want[i] {
					t.Errorf("line %d %q is seen as %q, want %q", i, line, got, c.want[i])
				}
				start += len(line)
			}
		})
	}
}

// TestBaseDirection: the first strong character decides, isolates are skipped.
func TestBaseDirection(t *testing.T) {
	for _, c := range []struct {
		text   string
		want   Direction
		strong bool
	}{
		{"سلام Bob", RightToLeft, true},
		{"Bob سلام", LeftToRight, true},
		{"123 سلام", RightToLeft, true},
		{"«سلام»", RightToLeft, true},
		{"😀 !", LeftToRight, false},
		{"", LeftToRight, false},
		{"\u2066abc\u2069 سلام", RightToLeft, true},
		{"\nسلام", LeftToRight, false},
		{"עברית", RightToLeft, true},
	} {
		d, strong := BaseDirection(c.text)
		if d != c.want || strong != c.strong {
			t.Errorf("BaseDirection(%q) = %v, %v; want %v, %v", c.text, d, strong, c.want, c.strong)
		}
	}
}

// TestNeedsLayout: text the algorithm would leave alone is recognised, to skip it.
func TestNeedsLayout(t *testing.T) {
	for s, want := range map[string]bool{
		"Hello, world (2026)!": false,
		"Ünïcödé — ok":         false,
		"😀":                    false,
		"سلام":                 true,
		"abc \u2067def\u2069":  true,
		"١٢٣":                  true,
	} {
		if got := NeedsLayout(s); got != want {
			t.Errorf("NeedsLayout(%q) = %v, want %v", s, got, want)
		}
	}
	// What NeedsLayout says may be skipped, the algorithm indeed leaves in place.
	for _, c := range visualCases {
		if !NeedsLayout(c.text) && Visual(c.text) != c.text {
			t.Errorf("NeedsLayout(%q) is false, but it is seen as %q", c.text, Visual(c.text))
		}
	}
}

// FuzzLine: any text cut into any lines lays out without a panic, and each line's
// runs hold each of its drawn characters exactly once.
func FuzzLine(f *testing.F) {
	for _, c := range visualCases {
		f.Add(c.text, uint8(7))
	}
	f.Add("\u202b\u202d\u2067(\u2069]\u202c", uint8(1))
	f.Fuzz(func(t *testing.T, text string, cut uint8) {
		p := NewParagraph(text, Auto)
		step := int(cut)%16 + 1
		for start := 0; start < len(text); {
			end := min(start+step, len(text))
			for end < len(text) && !utf8.RuneStart(text[end]) {
				end++
			}
			runs := p.Line(start, end)
			var drawn []rune
			for _, r := range text[start:end] {
				if !isFormatClass(class(r)) {
					drawn = append(drawn, r)
				}
			}
			var got []rune
			for _, run := range runs {
				if run.Start < start || run.End > end || run.Start >= run.End {
					t.Fatalf("run %+v outside the line [%d, %d)", run, start, end)
				}
				got = append(got, []rune(run.Text)...)
				if n := utf8.RuneCountInString(run.Visual()); n != utf8.RuneCountInString(run.Text) {
					t.Fatalf("run %q is seen with %d characters", run.Text, n)
				}
			}
			slices.Sort(drawn)
			slices.Sort(got)
			if !slices.Equal(drawn, got) {
				t.Fatalf("line %q: runs hold %q, want %q", text[start:end], string(got), string(drawn))
			}
			start = end
		}
	})
}

// BenchmarkParagraph lays out a Persian sentence with a Latin word and a number.
func BenchmarkParagraph(b *testing.B) {
	s := "من از Allium نسخه 2.7 استفاده می\u200cکنم و خیلی خوبه (واقعاً)"
	for b.Loop() {
		p := NewParagraph(s, Auto)
		p.Line(0, len(s))
	}
}
