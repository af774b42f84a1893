package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/crypto"
	"allium/engine"
)

// onboarding is the first start: create an account or restore one from its recovery
// phrase. Its widgets are fields so that tests can drive it.
type onboarding struct {
	p *Profile

	// welcome
	createStart, restoreStart *widget.Button

	// create
	name       *textField
	nameIssue  *bidiText
	createBtn  *widget.Button
	phrase     string
	copyBtn    *widget.Button
	saved      *check
	continueBt *widget.Button

	// restore
	words      *field
	wordsIssue *bidiText
	restName   *textField
	restoreBtn *widget.Button
}

func (p *Profile) showOnboarding() {
	o := &onboarding{p: p}
	p.onboarding = o
	o.showWelcome()
}

// page centres a column of widgets in the window, at a readable width.
func page(objs ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewCenter(column(460, objs...))
}

// wrapped is a wrapped translated sentence, laid out with the bidi algorithm in the
// interface's direction (a Persian sentence that starts with "Allium" still reads
// right to left) and aligned where the language's lines start. Text a person wrote is
// a newBidiText, which takes each paragraph's direction from its own first letter.
func wrapped(text string) *bidiText {
	t := newBidiText(text)
	t.Base = baseOf(rtl())
	return t
}

func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(visualLine(text), leading(), fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameHeadingText
	return l
}

func (o *onboarding) showWelcome() {
	create := widget.NewButton(lang.L("Create an account"), o.showCreate)
	create.Importance = widget.HighImportance
	restore := widget.NewButton(lang.L("I have a recovery phrase"), o.showRestore)
	o.createStart, o.restoreStart = create, restore
	o.p.win.SetContent(page(
		heading(lang.L("Welcome to Allium")),
		wrapped(lang.L("Private messages without a phone number or an e-mail address. Your account is a pair of keys made on this computer, and every message travels through three relays, so nobody in the middle knows who talks to whom.")),
		layout.NewSpacer(),
		create,
		restore,
	))
}

func (o *onboarding) showCreate() {
	o.name = newTextField(nil, lang.L("Your name"))
	o.nameIssue = wrapped("")
	o.nameIssue.Importance = widget.DangerImportance
	o.nameIssue.Hide()
	o.createBtn = widget.NewButton(lang.L("Create my account"), o.create)
	o.createBtn.Importance = widget.HighImportance
	o.createBtn.Disable() // until there is a name
	o.name.OnChanged = func(s string) {
		name := strings.TrimSpace(s)
		if msg := nameProblem(name); msg != "" {
			o.nameIssue.SetText(msg)
			o.nameIssue.Show()
			o.createBtn.Disable()
		} else {
			o.nameIssue.Hide()
			o.createBtn.Enable()
		}
		if name == "" {
			o.createBtn.Disable()
		}
	}
	o.name.OnSubmitted = func(string) {
		if !o.createBtn.Disabled() {
			o.create()
		}
	}
	o.p.win.SetContent(page(
		heading(lang.L("Create an account")),
		wrapped(lang.L("Choose the name people see when you write to them. It can be anything, and you can change it later.")),
		o.name, o.nameIssue,
		hbox(widget.NewButton(lang.L("Back"), o.showWelcome), layout.NewSpacer(), o.createBtn),
	))
	o.p.win.Canvas().Focus(o.name)
}

// create makes the account off the Fyne goroutine, then shows its recovery phrase.
func (o *onboarding) create() {
	name := strings.TrimSpace(o.name.Text)
	if name == "" {
		o.nameIssue.SetText(lang.L(noName))
		o.nameIssue.Show()
		return
	}
	o.createBtn.Disable()
	dir, network := o.p.dir, o.p.network
	step(o.p, func() (string, error) {
		id, err := engine.Create(dir, network, name)
		if err != nil {
			return "", err
		}
		return id.Phrase()
	}, func(phrase string, err error) {
		if err != nil {
			o.createBtn.Enable()
			o.nameIssue.SetText(plain(err, lang.L("Allium could not save your new account: the profile folder can't be written. Check that the disk is not full, then try again.")))
			o.nameIssue.Show()
			return
		}
		o.showPhrase(phrase)
	})
}

func (o *onboarding) showPhrase(phrase string) {
	o.phrase = phrase
	grid := container.NewGridWithColumns(4)
	var row []fyne.CanvasObject
	for i, w := range strings.Fields(phrase) {
		row = append(row, widget.NewLabelWithStyle(num(i+1)+". "+w, leading(), fyne.TextStyle{Monospace: true}))
		if len(row) == 4 || i == len(strings.Fields(phrase))-1 {
			for len(row) < 4 { // a short last row keeps its words under the first ones
				row = append(row, layout.NewSpacer())
			}
			for _, o := range inReadingOrder(row) {
				grid.Add(o)
			}
			row = nil
		}
	}
	o.copyBtn = widget.NewButton(lang.L("Copy"), func() {
		o.p.ui.fa.Clipboard().SetContent(phrase)
		o.copyBtn.SetText(lang.L("Copied"))
	})
	o.continueBt = widget.NewButton(lang.L("Continue"), o.p.openEngine)
	o.continueBt.Importance = widget.HighImportance
	o.continueBt.Disable()
	o.saved = newCheck(lang.L("I have written down my recovery phrase and put it somewhere safe"), func(on bool) {
		if on {
			o.continueBt.Enable()
		} else {
			o.continueBt.Disable()
		}
	})
	warning := wrapped(lang.L("These 13 words are the only way to get your account back if this computer is lost, broken or reinstalled: Allium has no server that could reset it. Anyone who has them can read your messages and write as you, so never share them or type them into a website."))
	warning.Importance = widget.WarningImportance
	o.p.win.SetContent(page(
		heading(lang.L("Your recovery phrase")),
		warning,
		grid,
		hbox(o.copyBtn),
		o.saved,
		hbox(layout.NewSpacer(), o.continueBt),
	))
}

func (o *onboarding) showRestore() {
	o.words = newField(nil, lang.L("Type or paste your 13 words"))
	o.words.MultiLine = true
	o.words.Wrapping = fyne.TextWrapWord
	o.words.SetMinRowsVisible(3)
	o.wordsIssue = wrapped("")
	// Allium does not fetch the name the account had: it is asked for again.
	o.restName = newTextField(nil, lang.L("Your name"))
	o.restName.OnChanged = func(string) { o.checkWords(o.words.Text) }
	o.restoreBtn = widget.NewButton(lang.L("Restore my account"), o.restore)
	o.restoreBtn.Importance = widget.HighImportance
	o.restoreBtn.Disable()
	o.words.OnChanged = o.checkWords
	o.checkWords("")
	o.p.win.SetContent(page(
		heading(lang.L("Restore your account")),
		wrapped(lang.L("Enter the 13 words of your recovery phrase, in order. Allium points out a word it does not know as you type.")),
		o.words, o.wordsIssue,
		wrapped(lang.L("The name people see when you write to them. It can be anything, and you can change it later:")),
		o.restName,
		hbox(widget.NewButton(lang.L("Back"), o.showWelcome), layout.NewSpacer(), o.restoreBtn),
	))
	o.p.win.Canvas().Focus(o.words)
}

// checkWords points at the first word that is not a recovery phrase word, as it is
// typed. The word being typed is judged once it has three letters (words are known by
// their first three) or is followed by a space.
func (o *onboarding) checkWords(text string) {
	words := strings.Fields(text)
	complete := len(text) > 0 && strings.ContainsRune(" \t\n", rune(text[len(text)-1]))
	for i, w := range words {
		last := i == len(words)-1
		if last && !complete && len([]rune(w)) < 3 {
			break
		}
		if !crypto.PhraseWordKnown(w) {
			o.wordsIssue.Importance = widget.DangerImportance
			o.wordsIssue.SetText(phraseSentence(&crypto.PhraseError{Kind: crypto.PhraseUnknownWord, Position: i + 1, Word: w}))
			o.restoreBtn.Disable()
			return
		}
	}
	o.wordsIssue.Importance = widget.LowImportance
	switch n := len(words); {
	case n == crypto.PhraseWords:
		o.wordsIssue.SetText(lang.L("13 of 13 words."))
		if name := strings.TrimSpace(o.restName.Text); name != "" && nameProblem(name) == "" {
			o.restoreBtn.Enable()
			return
		}
	case n > crypto.PhraseWords:
		o.wordsIssue.Importance = widget.DangerImportance
		o.wordsIssue.SetText(phraseSentence(&crypto.PhraseError{Kind: crypto.PhraseWrongLength, Count: n, Want: crypto.PhraseWords}))
	default:
		o.wordsIssue.SetText(fmt.Sprintf(lang.L("%s of 13 words."), num(n)))
	}
	o.restoreBtn.Disable()
}

// restore brings the account back off the Fyne goroutine, then opens it.
func (o *onboarding) restore() {
	phrase, name := o.words.Text, strings.TrimSpace(o.restName.Text)
	msg := nameProblem(name)
	if name == "" {
		msg = lang.L(noName)
	}
	if msg != "" {
		o.wordsIssue.Importance = widget.DangerImportance
		o.wordsIssue.SetText(msg)
		return
	}
	o.restoreBtn.Disable()
	dir, network := o.p.dir, o.p.network
	step(o.p, func() (*crypto.Identity, error) { return engine.Restore(dir, network, phrase, name) }, func(_ *crypto.Identity, err error) {
		if err != nil {
			o.wordsIssue.Importance = widget.DangerImportance
			o.wordsIssue.SetText(plain(err, lang.L("Allium could not save your account: the profile folder can't be written. Check that the disk is not full, then try again.")))
			o.restoreBtn.Enable()
			return
		}
		o.p.openEngine()
	})
}
