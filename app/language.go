package app

import (
	"encoding/json"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	_ "unsafe" // for go:linkname

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"golang.org/x/text/language"

	"allium/assets"
)

// The interface's words go through Fyne's lang package: lang.L with the English text as
// its key (as gettext does, and as Fyne's own widgets do, so that one catalogue
// translates both), lang.X where one English text needs two translations, and lang.N for
// counts. The catalogues are assets/translations/*.json; besides the words, each has a
// few keys that describe its language (languageCode and the four after it), so that a
// language is added by dropping its file there and nothing else.
const (
	// languageCode is the catalogue's language tag, "fa", as its file is named.
	languageCode = "language.code"
	// languageName is the language's name in itself, for Settings › Appearance.
	languageName = "language.name"
	// languageDirection is "rtl" for a language written right to left: the whole layout
	// mirrors (mirror.go).
	languageDirection = "language.direction"
	// languageDigits are the ten digits the language writes numbers with, 0 to 9.
	languageDigits = "language.digits"
	// languageCalendar is "persian" for the Solar Hijri calendar (calendar.go), else
	// dates are Gregorian.
	languageCalendar = "language.calendar"
)

// languageSystem is the language preference that follows the system's.
const languageSystem = ""

// tongue is what the interface needs to know of the language in use beyond its words.
type tongue struct {
	code    string // the catalogue's language tag, "en"
	rtl     bool
	digits  []rune // nil for 0-9
	persian bool   // dates in the Solar Hijri calendar
}

var (
	loadOnce sync.Once
	// inUse is the language in use. It changes on the Fyne goroutine (from Settings),
	// before the views are built again, and is read by work in the background too (a
	// file's size in a sentence), hence the atomic pointer.
	inUse atomic.Pointer[tongue]
)

// current is the language in use.
func current() *tongue {
	if t := inUse.Load(); t != nil {
		return t
	}
	return &tongue{code: "en"}
}

// setupLang points Fyne's translator at one language. Fyne 2.7.1's lang package
// follows only the system's locale and has no public way to choose another, which
// Settings › Appearance must do on every platform (setting LANGUAGE would work on Linux
// only, where go-locale reads the environment). Its test helper does exactly that; the
// build fails, rather than the choice silently doing nothing, if a later Fyne renames it.
//
//go:linkname setupLang fyne.io/fyne/v2/lang.setupLang
func setupLang(lang string)

// loadLanguages gives Fyne's translator every catalogue of assets/translations, once.
func loadLanguages() {
	loadOnce.Do(func() {
		if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
			fyne.LogError("Allium's translations could not be read", err)
		}
		setupLang(systemLanguage())
		inUse.Store(describeLanguage())
	})
}

// useLanguage switches the interface to the language of the catalogue code ("fa"), or
// to the system's with languageSystem. Views built before keep their words: build them
// again.
func useLanguage(code string) {
	loadLanguages()
	if code == languageSystem || !hasLanguage(code) {
		code = systemLanguage()
	}
	setupLang(code)
	inUse.Store(describeLanguage())
}

// systemLanguage is the catalogue closest to the system's language, or English. Fyne
// matches the system against its own catalogues too, which have languages Allium has
// not (German, French…): left to it, a German system would get Fyne's buttons in
// German, Allium's words in English, and an error logged for each of them.
func systemLanguage() string {
	langs := languages()
	tags := []language.Tag{language.English} // the first is the fallback
	for _, l := range langs {
		tags = append(tags, language.Make(l.code))
	}
	sys, err := language.Parse(string(lang.SystemLocale()))
	if err != nil {
		return "en"
	}
	_, i, confidence := language.NewMatcher(tags).Match(sys)
	if i == 0 || confidence == language.No {
		return "en"
	}
	return langs[i-1].code
}

// describeLanguage reads what the catalogue in use says of its language.
func describeLanguage() *tongue {
	t := &tongue{
		code:    lang.X(languageCode, "en"),
		rtl:     lang.X(languageDirection, "ltr") == "rtl",
		persian: lang.X(languageCalendar, "gregorian") == "persian",
	}
	if d := []rune(lang.X(languageDigits, "0123456789")); len(d) == 10 && string(d) != "0123456789" {
		t.digits = d
	}
	return t
}

// rtl says whether the interface's language is written right to left.
func rtl() bool { return current().rtl }

// languageFile is one catalogue, as Settings › Appearance offers it.
type languageFile struct {
	code string // "fa", from its file name
	name string // "فارسی", the language's name in itself
}

// languages lists the catalogues of assets/translations, by code.
func languages() []languageFile {
	files, _ := fs.Glob(assets.Translations, "translations/*.json")
	var out []languageFile
	for _, f := range files {
		code := strings.TrimSuffix(strings.TrimPrefix(f, "translations/"), ".json")
		b, err := fs.ReadFile(assets.Translations, f)
		if err != nil {
			continue
		}
		var words map[string]any
		if json.Unmarshal(b, &words) != nil {
			continue
		}
		name, _ := words[languageName].(string)
		if name == "" {
			name = code
		}
		out = append(out, languageFile{code: code, name: name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].code < out[j].code })
	return out
}

func hasLanguage(code string) bool {
	for _, l := range languages() {
		if l.code == code {
			return true
		}
	}
	return false
}

// num writes n with the language's digits: Persian text counts in Persian digits.
func num(n int) string { return digits(itoa(n)) }

// digits writes the ASCII digits of s, a number or a time that Allium formatted, with
// the language's digits. Never use it on text a person wrote, a Session ID or an
// address: those keep their characters.
func digits(s string) string {
	d := current().digits
	if d == nil {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) * 2)
	for _, r := range s {
		if '0' <= r && r <= '9' {
			r = d[r-'0']
		} else if r == '.' {
			r = '٫' // the Persian decimal separator
		}
		b.WriteRune(r)
	}
	return b.String()
}
