package app

import (
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"allium/app/internal/bidi"
)

// inPersian switches the interface to Persian for one test.
func inPersian(t testing.TB) {
	useLanguage("fa")
	t.Cleanup(func() { useLanguage("en") })
}

// visibleTexts are the texts drawn in o: every canvas.Text of every visible object,
// through containers and widgets' renderers.
func visibleTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *canvas.Text:
			if strings.TrimSpace(o.Text) != "" {
				out = append(out, o.Text)
			}
			return
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
			return
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// notWords are what may stand in Latin letters in a Persian window: names of things
// that are not translated (Allium, Session ID, Tor), formats, addresses and IDs.
var notWords = regexp.MustCompile(`Allium|Session ID|Session|Tor Browser|Tor|QR|PNG|JPEG|GIF|SOCKS5|HTTP|` +
	`socks5://\S*|http://\S*|/\S+|network\.json|NAME|PASSWORD|HOST|PORT|[0-9a-f]{4,}…?[0-9a-f]*|\b05\b|\btest\b`)

// untranslated says whether s, drawn in a Persian window, is English: it has Latin words
// left after names and IDs are taken out, and no Persian letter.
func untranslated(s string, allowed []string) bool {
	allowed = append([]string(nil), allowed...)
	for _, l := range languages() {
		allowed = append(allowed, l.name) // each language is named in itself
	}
	// The longest first, so that a message is taken out before a name in it.
	sort.Slice(allowed, func(i, j int) bool { return len(allowed[i]) > len(allowed[j]) })
	for _, a := range allowed {
		s = strings.ReplaceAll(s, a, "")
	}
	s = notWords.ReplaceAllString(s, "")
	latin := 0
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) {
			return false
		}
		if unicode.Is(unicode.Latin, r) {
			latin++
		}
	}
	return latin >= 2
}

// checkPersian fails the test on any text of o that is not in Persian.
func checkPersian(t *testing.T, where string, o fyne.CanvasObject, allowed ...string) {
	t.Helper()
	for _, s := range visibleTexts(o) {
		if untranslated(s, allowed) {
			t.Errorf("%s shows %q, in English", where, s)
		}
		if outOfOrder(s) {
			t.Errorf("%s draws %q as Fyne orders it, not laid out with the bidi algorithm", where, s)
		}
	}
}

// outOfOrder says whether s, a string drawn, mixes right-to-left letters with Latin
// letters or digits without having been laid out (visualLine writes every run of such a
// line in a directional override): Fyne would put its pieces side by side in logical
// order, left to right, which reads wrongly.
func outOfOrder(s string) bool {
	if !bidi.NeedsLayout(s) || strings.ContainsAny(s, lro+rlo) {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsDigit(r) || unicode.Is(unicode.Latin, r)
	}) >= 0
}

// screenshot keeps a picture of the window for a person to look at: in the directory
// ALLIUM_SCREENSHOTS names, or else in one under the system's temporary directory.
func screenshot(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	dir := os.Getenv("ALLIUM_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "allium-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", f.Name())
}

// TestPersianInterface opens every view of the main window in Persian: no English
// words are left on screen, the layout is mirrored, and dates are Solar Hijri.
func TestPersianInterface(t *testing.T) {
	h := newHarness(t)
	inPersian(t)
	dir, _ := account(t, "Gina")
	bob := newBareUser(t, "Bob")
	p := h.open(dir)
	p.win.Resize(fyne.NewSize(1000, 700))
	// Names, with the initials of their avatars, and a message are not translated.
	allowed := []string{"Gina", "GI", "Bob", "BO", "Hello Bob, see you at 18:30"}

	if rtl() != true || digits("0123456789") != "۰۱۲۳۴۵۶۷۸۹" {
		t.Fatal("Persian is not right to left with Persian digits")
	}
	h.waitFor("the empty pane", func() bool { return p.empty.hello.Text != "" })
	checkPersian(t, "the main window", p.win.Content(), allowed...)

	// The list is on the right of the conversation.
	if err := p.eng.SetContactName(bob.id, "Bob"); err != nil {
		t.Fatal(err)
	}
	h.waitFor("Bob in the list", func() bool { return len(p.sidebar.shown) == 1 })
	p.openConversation(bob.id)
	h.waitFor("the conversation", func() bool { return p.conv != nil && p.conv.loaded })
	for _, text := range []string{"سلام باب، ساعت ۱۸:۳۰ می\u200cبینمت", "Hello Bob, see you at 18:30"} {
		if _, err := p.eng.Send(bob.id, text); err != nil {
			t.Fatal(err)
		}
	}
	h.waitFor("the two bubbles", func() bool { return len(p.conv.msgs) == 2 })
	sidebar := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.sidebar.content)
	right := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.right)
	if sidebar.X <= right.X {
		t.Errorf("the conversation list is at x=%v, left of the conversation at x=%v", sidebar.X, right.X)
	}
	allowed = append(allowed, p.conv.msgs[0].Body, p.conv.msgs[1].Body)
	checkPersian(t, "the conversation", p.win.Content(), allowed...)
	if d := dayLabel(p.conv.rows[0].day, p.conv.rows[0].day); d != "امروز" {
		t.Errorf("today's heading is %q", d)
	}
	screenshot(t, p.win, "persian-conversation.png")

	// The menus of the conversation and of a message, and the dialogs they open.
	overlay := func(what string, open func()) {
		t.Helper()
		open()
		h.drain()
		top := p.win.Canvas().Overlays().Top()
		if top == nil {
			t.Fatalf("%s did not open", what)
		}
		checkPersian(t, what, top, allowed...)
		p.win.Canvas().Overlays().Remove(top)
		p.dialogUp = nil
	}
	overlay("the conversation's menu", p.conv.menu.show)
	overlay("the rename dialog", p.conv.menu.showRename)
	overlay("the disappearing messages dialog", p.conv.menu.showDisappearing)
	overlay("a message's menu", func() { p.conv.messageMenu(p.conv.msgs[0], fyne.NewPos(10, 10)) })
	overlay("the question before a link opens", func() { p.openLink("https://example.org") })
	overlay("the question when the window closes", p.closeWindow)

	// A file staged to send, and one that can't be.
	file := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(file, []byte("notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	p.conv.composer.staged.add([]string{file, filepath.Join(t.TempDir(), "missing.txt")})
	h.waitFor("the staged file", func() bool { return len(p.conv.composer.staged.files) == 1 })
	checkPersian(t, "the composer with a file", p.conv.content, append(allowed, "notes.txt", "missing.txt")...)
	p.conv.composer.staged.removeRow(p.conv.composer.staged.files[0].row)

	// Every tab of Settings.
	p.showSettings()
	tabs := p.settings.tabs
	if tabsLeading() != container.TabLocationTrailing {
		t.Error("the settings' tabs are not on the right")
	}
	for i, item := range tabs.Items {
		tabs.SelectIndex(i)
		h.drain()
		checkPersian(t, "Settings › "+item.Text, p.win.Content(), allowed...)
	}
	tabs.SelectIndex(3)
	screenshot(t, p.win, "persian-settings.png")
	// The checks and radio buttons of Privacy and Notifications, their marks at the right.
	tabs.SelectIndex(1)
	h.drain()
	screenshot(t, p.win, "persian-settings-privacy.png")
	tabs.SelectIndex(2)
	h.drain()
	screenshot(t, p.win, "persian-settings-notifications.png")

	// The dialogs: a new conversation, my Session ID, and a question with its buttons
	// in right-to-left order.
	p.showNewConversation()
	checkPersian(t, "the new conversation dialog", p.win.Canvas().Overlays().Top(), allowed...)
	p.escape()
	p.showMyQR()
	checkPersian(t, "my Session ID", p.win.Canvas().Overlays().Top(), allowed...)
	p.escape()
	// A question that mixes Persian, a Latin name and digits, as a person sees it.
	p.showDialog(newQuestion("مسدود کردن Bob؟",
		"دیگر پیام\u200cهای Bob را دریافت نمی\u200cکنید. می\u200cتوانید در تنظیمات ‹ حریم خصوصی او را از مسدودی درآورید؛ Allium ساعت ۱۸:۳۰ را هم نگه می\u200cدارد.",
		"مسدود کردن", "لغو", nil, p.win))
	screenshot(t, p.win, "persian-dialog.png")
	p.escape()
	q := newQuestion("پرسش", "جمله", "بله", "لغو", nil, p.win)
	q.Show()
	var yes, no *widget.Button
	for _, o := range test.LaidOutObjects(p.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "بله" {
			yes = b
		} else if ok && b.Text == "لغو" {
			no = b
		}
	}
	if yes == nil || no == nil {
		t.Fatal("the question has no buttons")
	}
	if d := fyne.CurrentApp().Driver(); d.AbsolutePositionForObject(yes).X >= d.AbsolutePositionForObject(no).X {
		t.Error("the confirming button is not on the left of Cancel")
	}
	q.Hide()
}

// TestChooseLanguage switches the language in Settings › Appearance: the window is
// built again in Persian at once, the choice is saved, and the system's language
// comes back when chosen.
func TestChooseLanguage(t *testing.T) {
	h := newHarness(t)
	t.Cleanup(func() { useLanguage("en") })
	dir, gina := account(t, "Gina")
	p := h.open(dir)
	// A second window, as in the demo, in the middle of writing to Gina.
	hanDir, _ := account(t, "Han")
	han := h.open(hanDir)
	han.openConversation(gina)
	h.waitFor("Han's conversation", func() bool { return han.conv != nil && han.conv.loaded })
	han.conv.composer.entry.SetText("half a sentence")
	p.showSettings()
	v := p.settings
	if v.language == nil || len(v.language.Options) != 1+len(languages()) {
		t.Fatal("Settings › Appearance offers no choice of language")
	}
	v.language.SetSelected("فارسی")
	if p.settings == nil || p.settings == v {
		t.Fatal("the settings were not built again in the new language")
	}
	if !rtl() || p.settings.tabs.Items[0].Text != "نمایه" {
		t.Fatalf("after choosing Persian, the first tab is %q", p.settings.tabs.Items[0].Text)
	}
	if p.settings.tabs.Selected().Content != p.settings.appearanceTabContent {
		t.Error("the settings did not stay at Appearance")
	}
	h.waitFor("the choice on disk", func() bool { return loadPrefs(dir).Language == "fa" })
	if han.conv == nil || han.conv.id != gina || han.conv.composer.entry.Text != "half a sentence" {
		t.Fatal("the other window lost its conversation or what was being typed")
	}
	if han.conv.composer.entry.PlaceHolder != "پیام" {
		t.Errorf("the other window's composer says %q", han.conv.composer.entry.PlaceHolder)
	}

	p.settings.language.SetSelected("English")
	if rtl() || p.settings.tabs.Items[0].Text != "Profile" {
		t.Fatal("English did not come back")
	}
	h.waitFor("English on disk", func() bool { return loadPrefs(dir).Language == "en" })
}

// A language's digits are used for the numbers Allium writes, never for those in text
// it shows as it is.
func TestPersianNumbers(t *testing.T) {
	inPersian(t)
	tests := []struct {
		name, got, want string
	}{
		{"count", unreadSentence(3), "۳ پیام خوانده\u200cنشده"},
		{"size", sizeText(1_500_000), "۱٫۵ مگابایت"},
		{"duration", durationText(7 * 24 * 60 * 60 * 1e9), "۱ هفته"},
		{"date", dateText(persianEpoch.AddDate(0, 0, 40), true, true), "دوشنبه ۱۰ اردیبهشت ۱۴۰۳"},
		{"short date", dateText(persianEpoch.AddDate(0, 9, 0), false, false), "۳۰ آذر"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

// TestPersianOnboarding walks the first run in Persian: welcome, creating an account
// with its recovery phrase, and restoring one.
func TestPersianOnboarding(t *testing.T) {
	h := newHarness(t)
	inPersian(t)
	p := h.ui.OpenProfile(t.TempDir(), network(t))
	h.waitFor("the welcome page", func() bool { return p.onboarding != nil })
	o := p.onboarding
	p.win.Resize(fyne.NewSize(800, 600))
	checkPersian(t, "the welcome page", p.win.Content())
	screenshot(t, p.win, "persian-welcome.png")
	test.Tap(o.createStart)
	checkPersian(t, "creating an account", p.win.Content())
	typeInto(o.name, "Carol")
	test.Tap(o.createBtn)
	h.waitFor("the recovery phrase", func() bool { return o.phrase != "" })
	// The phrase's words are English words by design: only the rest must be Persian.
	checkPersian(t, "the recovery phrase", p.win.Content(), append(strings.Fields(o.phrase), "Carol")...)
	screenshot(t, p.win, "persian-recovery-phrase.png")
	o.showRestore()
	typeInto(o.words, "abbey qqqzz")
	checkPersian(t, "restoring an account", p.win.Content(), "abbey", "qqqzz")
	if !strings.Contains(o.wordsIssue.Text, "کلمهٔ ۲") {
		t.Errorf("a mistyped word is pointed out as %q", o.wordsIssue.Text)
	}
}

// TestPersianRequests shows a message request in Persian, with the warning about a
// stranger who has a contact's name.
func TestPersianRequests(t *testing.T) {
	h := newHarness(t)
	inPersian(t)
	dir, me := account(t, "Alice")
	p := h.open(dir)
	carol := newBareUser(t, "Carol")
	if _, err := carol.e.Send(me, "Hello, it's me"); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the request", func() bool { return p.sidebar.requestsBtn.Visible() })
	if p.sidebar.requestsBtn.Text != visualLine("درخواست\u200cهای پیام (۱)") {
		t.Errorf("the requests button says %q", p.sidebar.requestsBtn.Text)
	}
	test.Tap(p.sidebar.requestsBtn)
	checkPersian(t, "message requests", p.win.Content(), "Carol", "CA", "Alice", "Hello, it's me")
	test.Tap(p.requests.block[carol.id])
	checkPersian(t, "the question to block", p.win.Canvas().Overlays().Top(), "Carol")
	p.escape()
}

// The system's language is followed when nothing is chosen: LANG=fa_IR.UTF-8 gives
// Persian, and a language Allium does not have gives English.
func TestSystemLanguage(t *testing.T) {
	t.Cleanup(func() { useLanguage("en") })
	for _, tt := range []struct{ lang, want string }{
		{"fa_IR.UTF-8", "fa"}, {"en_GB.UTF-8", "en"}, {"de_DE.UTF-8", "en"}, {"fa", "fa"},
	} {
		t.Setenv("LC_ALL", "")
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANGUAGE", "")
		t.Setenv("LANG", tt.lang)
		useLanguage(languageSystem)
		if current().code != tt.want {
			t.Errorf("LANG=%s: the interface speaks %q, want %q", tt.lang, current().code, tt.want)
		}
		// Fyne's own words follow: not German buttons around English sentences.
		if got, want := lang.L("Cancel"), map[string]string{"en": "Cancel", "fa": "لغو"}[tt.want]; got != want {
			t.Errorf("LANG=%s: Fyne's Cancel is %q, want %q", tt.lang, got, want)
		}
	}
}

// BenchmarkOpenConversation10kPersian is BenchmarkOpenConversation10k with the
// interface in Persian: its times, dates and states go through the catalogue and
// Persian digits.
func BenchmarkOpenConversation10kPersian(b *testing.B) {
	h, p, other := openLong(b)
	inPersian(b)
	p.ui.switchLanguage("fa")
	h.waitFor("the conversation list in Persian", func() bool { return len(p.sidebar.shown) == 1 })
	b.ResetTimer()
	for b.Loop() {
		p.showEmpty()
		p.openConversation(other)
		h.waitFor("the messages", func() bool { return p.conv.loaded })
	}
}
