package app

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"allium/crypto"
	"allium/engine"
)

func TestOnboardingCreate(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	p := h.ui.OpenProfile(dir, network(t))
	h.waitFor("the welcome page", func() bool { return p.onboarding != nil })
	o := p.onboarding

	test.Tap(o.createStart)
	if !o.createBtn.Disabled() {
		t.Fatal("Create is enabled without a name")
	}
	typeInto(o.name, "  ")
	if !o.createBtn.Disabled() {
		t.Fatal("Create is enabled for a name of spaces")
	}
	o.name.SetText("")
	typeInto(o.name, strings.Repeat("x", engine.MaxNameBytes+1))
	if !o.createBtn.Disabled() || !o.nameIssue.Visible() {
		t.Fatal("a name over the limit is not pointed out")
	}
	o.name.SetText("")
	typeInto(o.name, "Carol")
	if o.createBtn.Disabled() {
		t.Fatal("Create is disabled for a good name")
	}
	test.Tap(o.createBtn)
	h.waitFor("the recovery phrase", func() bool { return o.phrase != "" })
	if n := len(strings.Fields(o.phrase)); n != crypto.PhraseWords {
		t.Fatalf("the phrase shown has %d words", n)
	}
	test.Tap(o.copyBtn)
	if got := h.fa.Clipboard().Content(); got != o.phrase {
		t.Fatalf("Copy put %q on the clipboard", got)
	}
	if !o.continueBt.Disabled() {
		t.Fatal("Continue is enabled before the phrase is confirmed as saved")
	}
	test.Tap(o.saved)
	test.Tap(o.continueBt)
	h.waitFor("the main window", func() bool { return p.ready })

	id, err := crypto.RestoreIdentity(o.phrase)
	if err != nil {
		t.Fatal(err)
	}
	if p.me != id.SessionID() {
		t.Fatal("the phrase shown does not restore the account created")
	}
	h.waitFor("the name", func() bool { return p.sidebar.name.Text == "Carol" })
}

func TestOnboardingRestore(t *testing.T) {
	// The account to bring back: made elsewhere, known only by its phrase.
	id, err := engine.Create(t.TempDir(), "", "Dana")
	if err != nil {
		t.Fatal(err)
	}
	phrase, _ := id.Phrase()
	words := strings.Fields(phrase)

	h := newHarness(t)
	p := h.ui.OpenProfile(t.TempDir(), network(t))
	h.waitFor("the welcome page", func() bool { return p.onboarding != nil })
	o := p.onboarding
	test.Tap(o.restoreStart)

	// A word being typed is not judged before it has three letters.
	typeInto(o.words, words[0]+" "+words[1][:2])
	if o.wordsIssue.Importance == widget.DangerImportance {
		t.Fatalf("a word still being typed is reported: %q", o.wordsIssue.Text)
	}

	// A mistyped third word is pointed out, by position, before submitting.
	typo := append([]string(nil), words...)
	typo[2] = "qqqzz"
	o.words.SetText(strings.Join(typo, " "))
	if want := `Word 3, "qqqzz"`; !strings.Contains(o.wordsIssue.Text, want) {
		t.Fatalf("mistyped word: the view says %q, want it to mention %s", o.wordsIssue.Text, want)
	}
	if !o.restoreBtn.Disabled() {
		t.Fatal("Restore is enabled with a mistyped word")
	}

	// Too many words.
	o.words.SetText(phrase + " " + words[0])
	if !o.restoreBtn.Disabled() || !strings.Contains(o.wordsIssue.Text, "13 words") {
		t.Fatalf("14 words: %q", o.wordsIssue.Text)
	}

	// Two words swapped: every word is known, the checksum is not. A swap leaves the
	// checksum word right by chance (about one in twelve), so take a pair whose swap the
	// checksum catches.
	var swapped []string
	for i := 1; i < 12 && swapped == nil; i++ {
		s := append([]string(nil), words...)
		s[0], s[i] = s[i], s[0]
		var pe *crypto.PhraseError
		if _, err := crypto.ParsePhrase(strings.Join(s, " ")); errors.As(err, &pe) && pe.Kind == crypto.PhraseChecksum {
			swapped = s
		}
	}
	// The name is asked for: without it, the right phrase does not restore.
	o.words.SetText(phrase)
	if !o.restoreBtn.Disabled() {
		t.Fatal("Restore is enabled without a name")
	}
	typeInto(o.restName, "Dana")
	if swapped != nil {
		o.words.SetText(strings.Join(swapped, " "))
		test.Tap(o.restoreBtn)
		h.waitFor("the checksum sentence", func() bool { return strings.Contains(o.wordsIssue.Text, "do not belong together") })
	}

	o.words.SetText(strings.ToUpper(phrase) + "\n")
	if o.restoreBtn.Disabled() {
		t.Fatalf("Restore is disabled for the right phrase: %q", o.wordsIssue.Text)
	}
	test.Tap(o.restoreBtn)
	h.waitFor("the main window", func() bool { return p.ready })
	h.waitFor("the restored account's name", func() bool { return p.name == "Dana" })
	h.waitFor("the restore of the account's configs", func() bool { return !p.empty.restore.active })
	if p.me != id.SessionID() {
		t.Fatal("restored a different account")
	}
}

// TestOnboardingPagesFit: on every page of the first start, each widget gets at least
// the height it asks for, and none covers the next. (Wrapped text measured before it had
// its width once ran under the buttons.)
func TestOnboardingPagesFit(t *testing.T) {
	h := newHarness(t)
	p := h.ui.OpenProfile(t.TempDir(), network(t))
	h.waitFor("the welcome page", func() bool { return p.onboarding != nil })
	o := p.onboarding
	p.win.Resize(fyne.NewSize(960, 640))
	for _, pg := range []struct {
		name string
		show func()
	}{
		{"welcome", o.showWelcome},
		{"create", o.showCreate},
		{"phrase", func() { o.showPhrase(strings.Repeat("word ", crypto.PhraseWords)) }},
		{"restore", o.showRestore},
	} {
		pg.show()
		col := p.win.Content().(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*fyne.Container)
		var bottom float32
		for i, obj := range col.Objects {
			if !obj.Visible() {
				continue
			}
			if obj.Size().Height < obj.MinSize().Height {
				t.Errorf("%s page: widget %d is %.0f high, needs %.0f", pg.name, i, obj.Size().Height, obj.MinSize().Height)
			}
			if obj.Position().Y < bottom {
				t.Errorf("%s page: widget %d starts at %.0f, over the one above (ends at %.0f)", pg.name, i, obj.Position().Y, bottom)
			}
			bottom = obj.Position().Y + obj.Size().Height
		}
		if bottom > col.Size().Height+0.5 {
			t.Errorf("%s page: widgets end at %.0f, below the column's %.0f", pg.name, bottom, col.Size().Height)
		}
	}
}

// TestWrongNetworkFile: a network file that can't be used leaves a way on: choose
// another file, use the Session network, or quit.
func TestWrongNetworkFile(t *testing.T) {
	h := newHarness(t)
	dir, _ := account(t, "Nia")
	p := h.ui.OpenProfile(dir, t.TempDir()+"/missing.json")
	h.waitFor("the problem", func() bool { return p.problemButtons != nil })
	var labels []string
	for _, b := range p.problemButtons {
		labels = append(labels, b.Text)
	}
	if strings.Join(labels, "|") != "Choose another network file…|Use the Session network|Quit" {
		t.Fatalf("buttons: %q", labels)
	}
	test.Tap(p.problemButtons[0])
	if p.dialogUp == nil {
		t.Fatal("Choose another network file did not open a file chooser")
	}
}
