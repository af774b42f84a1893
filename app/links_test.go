package app

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

var linkCases = []struct {
	name, text string
	want       []string
}{
	{"none", "no link here", nil},
	{"one", "see https://example.org/a?b=c", []string{"https://example.org/a?b=c"}},
	{"sentence end", "Read http://example.org/x.", []string{"http://example.org/x"}},
	{"in brackets", "(https://example.org/page)", []string{"https://example.org/page"}},
	{"two", "https://a.example and https://b.example!", []string{"https://a.example", "https://b.example"}},
	{"capitals", "HTTPS://Example.org", []string{"HTTPS://Example.org"}},
	{"no host", "https:// nothing", nil},
	{"other scheme", "ftp://example.org javascript:alert(1)", nil},
	{"persian around", "لینک https://example.org را ببین", []string{"https://example.org"}},
	{"glued to text", "look:https://example.org", []string{"https://example.org"}},
}

func TestLinksIn(t *testing.T) {
	for _, c := range linkCases {
		t.Run(c.name, func(t *testing.T) {
			if got := linksIn(c.text); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("linksIn(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

// FuzzLinksIn: any text gives links that are in it, are web addresses with a host, and
// hold no space.
func FuzzLinksIn(f *testing.F) {
	for _, c := range linkCases {
		f.Add(c.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, l := range linksIn(text) {
			u, err := url.Parse(l)
			lower := strings.ToLower(l)
			if err != nil || u.Host == "" || !strings.Contains(text, l) || strings.IndexFunc(l, unicode.IsSpace) >= 0 ||
				!(strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")) {
				t.Fatalf("linksIn(%q) gave %q", text, l)
			}
		}
	})
}

// TestOpenLinkAsksOnce: the first link asks before the browser opens it; once agreed,
// links open without asking, and the choice is kept.
func TestOpenLinkAsksOnce(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Pia")
	p := h.open(dir)
	p.openLink("https://example.org")
	if p.dialogUp == nil {
		t.Fatal("the first link opened without asking")
	}
	p.escape()
	p.linkAnswered("https://example.org", true)
	h.waitFor("the choice on disk", func() bool { return loadPrefs(dir).LinksAllowed })
	p.openLink("https://example.org/2")
	if p.dialogUp != nil {
		t.Fatal("a link asked again")
	}
}
