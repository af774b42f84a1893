package bidi

import (
	"bufio"
	"flag"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// visualCases are mixed lines of the kinds Persian speakers write. Their expected
// visual order is in testdata/visual.txt, made once by GNU FriBidi, a second
// implementation of UAX #9: go test -run TestVisual -fribidi (with the fribidi program
// of Debian's libfribidi-bin) writes it again.
var visualCases = []struct{ name, text string }{
	{"persian with a latin name", "من از Allium استفاده می\u200cکنم و خیلی خوبه"},
	{"persian with a time", "جلسه ساعت 10:30 شروع می\u200cشود."},
	{"persian digits in a time", "ساعت ۱۰:۳۰ است"},
	{"english only", "I use Allium every day."},
	{"english with one persian word", "I love the word سلام very much"},
	{"english, persian, digits", "Hello سلام 123 world"},
	{"percent in persian", "قیمت 25% تخفیف دارد!"},
	{"persian in brackets", "(سلام)"},
	{"latin in brackets in persian", "سلام (Allium) خوبه"},
	{"brackets of three kinds", "این [متن] داخل {پرانتز} است"},
	{"url in persian", "آدرس https://getsession.org/download را باز کن"},
	{"session id in persian", "شناسه من 057aeb66e45660c3bdfb7c62706f6440226af43ec13f3b6f899c1dd4db1b8fce5b است"},
	{"emoji between persian words", "سلام 😀 دنیا"},
	{"emoji before english", "😀 Hi"},
	{"signed numbers in persian", "عدد -5 و +3"},
	{"guillemets", "«سلام» گفت"},
	{"less than in persian", "a < b در ریاضی"},
	{"version number", "نسخه 2.7.1 منتشر شد"},
	{"persian and latin years", "سال ۱۴۰۳ و 2024"},
	{"english label before persian", "Persian: سلام دنیا."},
	{"persian comma and question mark", "سلام، Bob! چطوری؟"},
	{"persian digits alone", "۱۲۳"},
	{"digits before english", "123 abc"},
	{"digits before persian", "123 سلام"},
	{"two numbers between scripts", "abc 123 سلام 456 def"},
	{"quotes around a persian word", "\"نقل\u200cقول\" در متن"},
	{"email in persian", "ایمیل ali@example.com را ببین"},
	{"email after persian", "سلام ali@example.com"},
	{"phone number", "تلفن: +98 912 345 6789"},
	{"arabic-indic digits", "١٢٣ (نص) عربي"},
	{"hebrew and english", "עברית and English"},
	{"persian inside latin brackets", "A (b سلام) c"},
	{"latin inside persian brackets", "سلام (a b) ج"},
	{"question mark first", "?سلام"},
	{"ellipsis at the end", "سلام..."},
	{"punctuation only", "..."},
	{"numbered item", "(1) مورد اول"},
	{"zero-width non-joiner", "پیام\u200cها را خواندم"},
	{"two latin names", "Allium با Session کار می\u200cکند"},
	{"money", "قیمت $12.50 است"},
	{"arabic harakat", "كَتَبَ 2 books"},
	{"unmatched bracket", "سلام (دنیا"},
	{"nested brackets", "سلام [Allium (v2)] خوب"},
	{"latin with trailing persian and stop", "The word is سلام."},
	{"isolated latin in persian", "سلام \u2066abc 123!\u2069 دنیا"},
	{"first-strong isolate", "Name: \u2068علی\u2069 (5)"},
	{"right-to-left embedding", "abc \u202bdef ghi\u202c jkl"},
	{"right-to-left override", "\u202eabc\u202c def"},
	{"right-to-left mark", "\u200fabc 123"},
	{"tab between scripts", "سلام\tabc"},
}

var fribidi = flag.Bool("fribidi", false, "write testdata/visual.txt again with the fribidi program")

const visualFile = "testdata/visual.txt"

// expectation is fribidi's answer for a line: which character is shown at each place,
// and every character's level.
type expectation struct {
	vtol   []int
	levels []int
}

func ints(s string) []int {
	var out []int
	for _, f := range strings.Fields(s) {
		n, err := strconv.Atoi(f)
		if err != nil {
			panic(err)
		}
		out = append(out, n)
	}
	return out
}

func writeExpectations(t *testing.T) {
	var b strings.Builder
	for _, c := range visualCases {
		cmd := exec.Command("fribidi", "--nopad", "--nobreak", "--novisual", "--vtol", "--levels")
		cmd.Stdin = strings.NewReader(c.text + "\n")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("fribidi: %v", err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 2 {
			t.Fatalf("fribidi said %q", out)
		}
		b.WriteString(strconv.Quote(c.text) + "\t" + lines[0] + "\t" + lines[1] + "\n")
	}
	if err := os.WriteFile(visualFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readExpectations(t *testing.T) map[string]expectation {
	f, err := os.Open(visualFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]expectation{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) != 3 {
			t.Fatalf("bad line in %s: %q", visualFile, sc.Text())
		}
		text, err := strconv.Unquote(parts[0])
		if err != nil {
			t.Fatalf("bad line in %s: %q", visualFile, sc.Text())
		}
		m[text] = expectation{vtol: ints(parts[1]), levels: ints(parts[2])}
	}
	return m
}

// TestVisual: every line is shown in the order UAX #9 defines, with the brackets and
// signs of right-to-left runs mirrored.
func TestVisual(t *testing.T) {
	if *fribidi {
		writeExpectations(t)
	}
	want := readExpectations(t)
	for _, c := range visualCases {
		t.Run(c.name, func(t *testing.T) {
			e, ok := want[c.text]
			if !ok {
				t.Fatalf("%s has no expectation for %q: run go test -run TestVisual -fribidi", visualFile, c.text)
			}
			rs := []rune(c.text)
			if len(e.vtol) != len(rs) || len(e.levels) != len(rs) {
				t.Fatalf("%s: the expectation for %q has the wrong length", visualFile, c.text)
			}
			var w strings.Builder
			for _, i := range e.vtol {
				r := rs[i]
				if isFormatClass(class(r)) {
					continue // not drawn
				}
				if e.levels[i]%2 == 1 {
					r = Mirror(r)
				}
				w.WriteRune(r)
			}
			got := Visual(c.text)
			if got != w.String() {
				t.Errorf("Visual(%q)\n got %q\nwant %q", c.text, got, w.String())
			}
			p := NewParagraph(c.text, Auto)
			levels := p.Levels(0, len(c.text))
			for i, l := range levels {
				if c := class(rs[i]); isFormatClass(c) || removedByX9(c) {
					continue // placed beside their neighbours, which differs between implementations
				}
				if int(l) != e.levels[i] {
					t.Errorf("level of character %d (%q) is %d, want %d", i, rs[i], l, e.levels[i])
				}
			}
		})
	}
}
