package engine

import (
	"strings"
	"testing"
)

var searchCases = []struct {
	name, text, query string
	want              bool
}{
	{"same case", "Meet at the station", "station", true},
	{"other case", "Meet at the Station", "STATION", true},
	{"spaces around", "see you", "  you ", true},
	{"inner spaces count", "see you", "seeyou", false},
	{"not there", "hello", "bye", false},
	{"empty query", "hello", "   ", false},
	{"persian", "سلام دوست من", "دوست", true},
	{"accents", "Café Noir", "café", true},
	{"invalid utf-8", "a\xffb", "b", true},
}

func TestSearchMatch(t *testing.T) {
	for _, c := range searchCases {
		t.Run(c.name, func(t *testing.T) {
			if got := containsFolded(c.text, foldQuery(c.query)); got != c.want {
				t.Fatalf("containsFolded(%q, %q) = %v", c.text, c.query, got)
			}
		})
	}
}

// FuzzSearchMatch: any text and query are matched without panicking, and a text always
// contains a piece of itself.
func FuzzSearchMatch(f *testing.F) {
	for _, c := range searchCases {
		f.Add(c.text, c.query)
	}
	f.Fuzz(func(t *testing.T, text, query string) {
		containsFolded(text, foldQuery(query))
		if q := foldQuery(text); q != "" && !containsFolded(strings.ToLower(text), q) {
			t.Fatalf("%q does not contain itself", text)
		}
	})
}
