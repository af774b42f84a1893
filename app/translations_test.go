package app

import (
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"allium/assets"
)

var updateEnglish = flag.Bool("update-en", false, "write assets/translations/en.json again from the keys the source uses")

// sourceKeys are the keys of the app's lang.L, lang.X and lang.N calls, and what is
// wrong in the source: literals that reach the screen without going through lang.
type sourceKeys struct {
	keys   map[string]string // key → where first used
	plural map[string]bool
	bare   []string // "file:line: text" of untranslated words
	// sentences are literals that look like words for people, outside any call of lang.
	sentences []string
}

// uiSinks are the calls whose string arguments people read: Fyne's constructors and
// setters, and the app's own helpers that put words on screen.
var uiSinks = map[string]bool{
	"NewLabel": true, "NewLabelWithStyle": true, "NewButton": true, "NewButtonWithIcon": true,
	"NewCheck": true, "NewRadioGroup": true, "NewSelect": true, "NewHyperlink": true,
	"NewCard": true, "NewTabItem": true, "NewTabItemWithIcon": true, "NewMenuItem": true,
	"NewMenu": true, "NewNotification": true, "NewText": true, "NewRichTextWithText": true,
	"NewConfirm": true, "NewCustom": true, "NewCustomConfirm": true, "NewCustomWithoutButtons": true,
	"NewInformation": true, "NewForm": true, "NewFormItem": true,
	"SetText": true, "SetPlaceHolder": true, "SetTitle": true, "SetConfirmText": true, "SetDismissText": true,
	"heading": true, "section": true, "wrapped": true, "busyView": true, "newField": true,
	"showError": true, "showProblem": true, "newConfirm": true, "newQuestion": true, "plain": true,
	"noticeLabel": true, "NewWindow": true, "label": true,
	"newDialog": true, "newInfo": true, "newForm": true, "newCheck": true, "newRadioGroup": true,
	"newBidiText": true, "newBidiLabel": true, "lineLabel": true,
}

// isWords says whether a literal holds words for people rather than an identifier, a
// file name's extension or a symbol: two letters or more, and a space, a capital or an
// ellipsis.
func isWords(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	return letters >= 2 && (strings.ContainsRune(s, ' ') || unicode.IsUpper(first) || strings.Contains(s, "…"))
}

// isSentence says whether a literal is a sentence or a phrase of several words, which
// is for people wherever it stands.
func isSentence(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(first) && len(strings.Fields(s)) >= 3 && !strings.ContainsAny(s, "%=")
}

// notForPeople are the calls whose words are for developers: errors, logs.
var notForPeople = map[string]bool{
	"Errorf": true, "New": true, "Warn": true, "Info": true, "Debug": true, "Error": true,
	"Println": true, "Printf": true, "LogError": true, "line": true, "Fatal": true, "Fatalf": true,
}

func scanSource(t *testing.T) sourceKeys {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sk := sourceKeys{keys: map[string]string{}, plural: map[string]bool{}}
	fset := token.NewFileSet()
	var parsed []*ast.File
	consts := map[string]string{} // package-level string constants
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, af)
		for _, d := range af.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if s, ok := stringValue(vs.Values[i], consts); ok {
							consts[name.Name] = s
						}
					}
				}
			}
		}
	}
	where := func(n ast.Node) string {
		p := fset.Position(n.Pos())
		return p.Filename + ":" + strconv.Itoa(p.Line)
	}
	// source is the text of n as it is written: a literal, or a constant's name.
	source := func(n ast.Node) string {
		if id, ok := n.(*ast.Ident); ok {
			return id.Name + " (" + strconv.Quote(consts[id.Name]) + ")"
		}
		return n.(*ast.BasicLit).Value
	}
	// Sentences anywhere else: assigned, in a slice, in a map.
	for _, af := range parsed {
		ast.Inspect(af, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if pkg, _ := callPkg(n); pkg == "lang" || notForPeople[callName(n)] {
					return false
				}
				if _, conversion := n.Fun.(*ast.ArrayType); conversion {
					return false // bytes to match, as []byte("...")
				}
			case *ast.FuncDecl:
				return n.Name.Name != "Error" && n.Name.Name != "String"
			case *ast.GenDecl:
				// Constants and imports are checked where they are used.
				return n.Tok != token.CONST && n.Tok != token.IMPORT
			case *ast.Field:
				return false // struct tags
			case *ast.Ident:
				// A constant's words, used elsewhere than in a call of lang.
				if s, ok := consts[n.Name]; ok && isWords(s) {
					sk.sentences = append(sk.sentences, where(n)+": "+source(n))
				}
			case *ast.BasicLit:
				if s, _ := strconv.Unquote(n.Value); n.Kind == token.STRING && isSentence(s) {
					sk.sentences = append(sk.sentences, where(n)+": "+source(n))
				}
			}
			return true
		})
	}
	for _, af := range parsed {
		ast.Inspect(af, func(n ast.Node) bool {
			if fd, ok := n.(*ast.FuncDecl); ok && (fd.Name.Name == "Error" || fd.Name.Name == "String") {
				return false // words for developers
			}
			// A function's words that it returns reach the screen through its caller.
			if ret, ok := n.(*ast.ReturnStmt); ok {
				for _, r := range ret.Results {
					for _, n := range bareWords(r, consts) {
						sk.bare = append(sk.bare, where(n)+": "+source(n))
					}
				}
				return true
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := callName(call)
			if pkg, fn := callPkg(call); pkg == "lang" && len(call.Args) > 0 {
				s, ok := stringValue(call.Args[0], consts)
				if !ok {
					// A key computed at run time: it is checked where it is made.
					return true
				}
				if _, seen := sk.keys[s]; !seen {
					sk.keys[s] = where(call)
				}
				if fn == "N" || fn == "XN" {
					sk.plural[s] = true
				}
				return false
			}
			if !uiSinks[name] {
				return true
			}
			for _, a := range call.Args {
				for _, n := range bareWords(a, consts) {
					sk.bare = append(sk.bare, where(n)+": "+source(n))
				}
			}
			return true
		})
	}
	return sk
}

// bareWords are the words in e that reach the screen untranslated: literals and
// constants, alone, concatenated or in a slice, that no lang call wraps.
func bareWords(e ast.Expr, consts map[string]string) []ast.Node {
	var out []ast.Node
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if pkg, _ := callPkg(n); pkg == "lang" {
				return false
			}
			// Words inside another call are that call's business (it is a sink or not).
			if name := callName(n); name != "Sprintf" && name != "Join" {
				return false
			}
		case *ast.FuncLit:
			return false
		case *ast.BasicLit:
			if n.Kind == token.STRING {
				if s, _ := strconv.Unquote(n.Value); isWords(s) {
					out = append(out, n)
				}
			}
		case *ast.Ident:
			if s, ok := consts[n.Name]; ok && isWords(s) {
				out = append(out, n)
			}
		}
		return true
	})
	return out
}

func callName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

func callPkg(c *ast.CallExpr) (pkg, fn string) {
	if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); ok {
			return id.Name, sel.Sel.Name
		}
	}
	return "", ""
}

// stringValue is the value of a string literal, a constant, or their concatenation.
func stringValue(e ast.Expr, consts map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		}
	case *ast.Ident:
		s, ok := consts[e.Name]
		return s, ok
	case *ast.ParenExpr:
		return stringValue(e.X, consts)
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			a, ok1 := stringValue(e.X, consts)
			b, ok2 := stringValue(e.Y, consts)
			return a + b, ok1 && ok2
		}
	}
	return "", false
}

// catalogue is one file of assets/translations: key → words, or plural forms.
type catalogue map[string]any

func readCatalogues(t *testing.T) map[string]catalogue {
	t.Helper()
	files, err := fs.Glob(assets.Translations, "translations/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalogues: %v", err)
	}
	out := map[string]catalogue{}
	for _, f := range files {
		b, err := fs.ReadFile(assets.Translations, f)
		if err != nil {
			t.Fatal(err)
		}
		var c catalogue
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = c
	}
	return out
}

// The words of every catalogue: a plural's forms, or the one text.
func forms(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case map[string]any:
		var out []string
		for _, k := range []string{"zero", "one", "two", "few", "many", "other"} {
			if s, ok := v[k].(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

var placeholder = regexp.MustCompile(`\{\{\s*\.\w+\s*\}\}|%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[sdvqxf%]`)

// placeholders are the template fields and format verbs of s, sorted, with the
// argument indexes taken away (a translation may reorder the arguments with %[2]s).
func placeholders(s string) []string {
	var out []string
	for _, p := range placeholder.FindAllString(s, -1) {
		p = regexp.MustCompile(`\[\d+\]|\s`).ReplaceAllString(p, "")
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Every word the source translates is in every catalogue, and the catalogues have the
// same keys: a language is complete or it is not shipped.
func TestCataloguesComplete(t *testing.T) {
	sk := scanSource(t)
	cats := readCatalogues(t)
	if *updateEnglish {
		writeEnglish(t, sk, cats["en"])
		cats = readCatalogues(t)
	}
	en := cats["en"]
	if en == nil {
		t.Fatal("there is no English catalogue, en.json")
	}
	var keys []string
	for k := range sk.keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for code, c := range cats {
		for _, k := range keys {
			if _, ok := c[k]; !ok {
				t.Errorf("%s.json lacks %q, used at %s", code, k, sk.keys[k])
			}
		}
		for k := range en {
			if _, ok := c[k]; !ok && code != "en" {
				t.Errorf("%s.json lacks %q, which en.json has", code, k)
			}
		}
		for k, v := range c {
			if _, ok := en[k]; !ok {
				t.Errorf("%s.json has %q, which en.json has not", code, k)
				continue
			}
			if _, used := sk.keys[k]; !used && !strings.HasPrefix(k, "language.") && !fyneKeys[k] && !extraKeys[k] {
				t.Errorf("%s.json has %q, which nothing uses any more", code, k)
			}
			if sk.plural[k] {
				if _, ok := v.(map[string]any); !ok {
					t.Errorf("%s.json: %q is a count, so it needs plural forms (one, other)", code, k)
				}
			}
			want := placeholders(k)
			for _, f := range forms(v) {
				if f == "" {
					t.Errorf("%s.json: %q is empty", code, k)
				}
				if got := placeholders(f); strings.Join(got, " ") != strings.Join(want, " ") && !sk.plural[k] {
					t.Errorf("%s.json: %q has the blanks %v, but its English has %v", code, f, got, want)
				}
			}
		}
	}
}

// No words reach the screen without going through lang.
func TestNoUntranslatedWords(t *testing.T) {
	sk := scanSource(t)
	seen := map[string]bool{}
	for _, b := range append(sk.bare, sk.sentences...) {
		if !seen[b] {
			seen[b] = true
			t.Errorf("untranslated: %s", b)
		}
	}
}

// writeEnglish writes en.json from the source's keys: each key is its own English,
// except the plurals, whose forms are kept as they are.
func writeEnglish(t *testing.T, sk sourceKeys, old catalogue) {
	out := catalogue{}
	for k := range fyneKeys {
		switch {
		case strings.HasPrefix(k, "file."):
			out[k] = map[string]any{"other": strings.ToUpper(k[5:6]) + k[6:]}
		case strings.HasSuffix(k, "day"):
			out[k] = strings.ToUpper(k[:1]) + k[1:]
		case strings.HasSuffix(k, "day.short"):
			out[k] = strings.ToUpper(k[:1]) + k[1:3]
		default:
			out[k] = k
		}
	}
	for k := range extraKeys {
		out[k] = k
	}
	for k, v := range old {
		if strings.HasPrefix(k, "language.") {
			out[k] = v
		}
	}
	for k := range sk.keys {
		if strings.HasPrefix(k, "language.") {
			continue // kept above: what the catalogue says of its language
		}
		if v, ok := old[k]; ok && sk.plural[k] {
			out[k] = v
			continue
		}
		if sk.plural[k] {
			out[k] = map[string]any{"one": k, "other": k}
			continue
		}
		out[k] = k
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = []byte(strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b)))
	if err := os.WriteFile("../assets/translations/en.json", append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fyneKeys are the words of Fyne's own widgets and dialogs (fyne.io/fyne/v2/lang's
// base.en.json, and "(Parent)" of the file dialog, which that file lacks): Allium's
// catalogues translate them for languages Fyne does not have.
var fyneKeys = map[string]bool{}

// extraKeys are keys the source makes at run time, from a month or a day.
var extraKeys = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`Advanced Cancel Confirm Copy Cut Error Favourites File Folder No OK
		Open Paste Quit Redo Save Undo Yes file.name file.parent`) {
		fyneKeys[k] = true
	}
	for _, k := range []string{"Create Folder", "Enter filename", "New Folder", "Select all", "Show Hidden Files", "(Parent)"} {
		fyneKeys[k] = true
	}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		fyneKeys[d], fyneKeys[d+".short"] = true, true
	}
	for m := 1; m <= 12; m++ {
		name := time.Month(m).String()
		extraKeys[name], extraKeys[name[:3]] = true, true
	}
	for _, m := range persianMonths {
		extraKeys[m] = true
	}
}

// Each catalogue says what its language is: its code is its file's name, and its
// direction, digits and calendar are ones the interface knows.
func TestCataloguesDescribeTheirLanguage(t *testing.T) {
	for code, c := range readCatalogues(t) {
		if c[languageCode] != code {
			t.Errorf("%s.json says its code is %v", code, c[languageCode])
		}
		if s, _ := c[languageName].(string); s == "" || strings.HasPrefix(s, "language.") {
			t.Errorf("%s.json has no name for its language", code)
		}
		if d := c[languageDirection]; d != "ltr" && d != "rtl" {
			t.Errorf("%s.json: the direction %v is neither ltr nor rtl", code, d)
		}
		if d, _ := c[languageDigits].(string); utf8.RuneCountInString(d) != 10 {
			t.Errorf("%s.json: %q are not ten digits", code, d)
		}
		if cal := c[languageCalendar]; cal != "gregorian" && cal != "persian" {
			t.Errorf("%s.json: the calendar %v is neither gregorian nor persian", code, cal)
		}
	}
}

// sameInEveryLanguage are the texts a translation keeps as they are: names, an address,
// and the order of a date's parts where the language puts them as English does.
var sameInEveryLanguage = map[string]bool{
	"Allium": true, "Tor": true, "socks5://127.0.0.1:9050": true,
	"{{.Day}} {{.Month}}": true, "{{.Day}} {{.Month}} {{.Year}}": true,
}

// Every text of a catalogue other than English is translated: none is left as its
// English, and a Persian one has Persian letters.
func TestCataloguesTranslated(t *testing.T) {
	en := readCatalogues(t)["en"]
	for code, c := range readCatalogues(t) {
		if code == "en" {
			continue
		}
		for k, v := range c {
			if strings.HasPrefix(k, "language.") || sameInEveryLanguage[k] {
				continue
			}
			for i, f := range forms(v) {
				english := forms(en[k])
				if i < len(english) && f == english[i] {
					t.Errorf("%s.json: %q is not translated", code, k)
				}
				words := placeholder.ReplaceAllString(f, "") // a date's order has no words
				if code == "fa" && strings.ContainsFunc(words, unicode.IsLetter) && !strings.ContainsFunc(words, func(r rune) bool { return unicode.Is(unicode.Arabic, r) }) {
					t.Errorf("fa.json: %q has no Persian letter: %q", k, f)
				}
			}
		}
	}
}
