package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"allium/crypto"
	"allium/engine"
)

// newConversation is the "New conversation" dialog: a Session ID, pasted or typed
// (checked as it is typed) or imported from a picture of a QR code, and an optional name.
type newConversation struct {
	p        *Profile
	idEntry  *field
	issue    *bidiText
	name     *textField
	startBtn *widget.Button
	dlg      *appDialog
}

func (p *Profile) showNewConversation() {
	if !p.ready {
		return
	}
	n := &newConversation{p: p}
	p.newConv = n
	n.idEntry = newField(p.keys, visualLine(lang.L("Session ID (66 characters, starts with 05)")))
	n.issue = wrapped("")
	n.name = newTextField(p.keys, lang.L("Their name (optional)"))
	n.startBtn = widget.NewButton(lang.L("Start conversation"), n.start)
	n.startBtn.Importance = widget.HighImportance
	n.startBtn.Disable()
	n.idEntry.OnChanged = n.check
	n.idEntry.OnSubmitted = func(string) { n.start() }
	n.name.OnSubmitted = func(string) { n.start() }
	importBtn := widget.NewButtonWithIcon(visualLine(lang.L("Import QR code from an image file…")), theme.FileImageIcon(), n.chooseQR)
	cancel := widget.NewButton(lang.L("Cancel"), func() { n.dlg.Hide() })
	content := container.NewVBox(
		wrapped(lang.L("Paste the Session ID of the person you want to write to, or import a picture of their QR code.")),
		n.idEntry, n.issue, importBtn,
		label(lang.L("Name them on this computer:")), n.name,
		container.NewGridWithColumns(2, cancel, n.startBtn),
	)
	n.dlg = newDialog(lang.L("New conversation"),
		container.NewGridWrap(fyne.NewSize(460, content.MinSize().Height+60), content), p.win)
	p.showDialog(n.dlg)
	p.win.Canvas().Focus(n.idEntry)
}

// check says, as the ID is typed, whether it is a Session ID, in the crypto package's
// sentences.
func (n *newConversation) check(text string) {
	if strings.TrimSpace(text) == "" {
		n.issue.SetText("")
		n.startBtn.Disable()
		return
	}
	id, err := crypto.ParseSessionID(text)
	switch {
	case err != nil:
		n.issue.Importance = widget.DangerImportance
		n.issue.SetText(plain(err, lang.L("This is not a Session ID.")))
		n.startBtn.Disable()
	case id == n.p.me:
		n.issue.Importance = widget.MediumImportance
		n.issue.SetText(lang.L("This is your own Session ID: messages you write here are notes to yourself."))
		n.startBtn.Enable()
	default:
		n.issue.Importance = widget.SuccessImportance
		n.issue.SetText(lang.L("This is a valid Session ID."))
		n.startBtn.Enable()
	}
}

func (n *newConversation) chooseQR() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		n.p.importQR(r, n.imported)
	}, n.p.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".gif"}))
	d.Show()
}

// imported fills in the Session ID read from a picture, or says why there is none.
func (n *newConversation) imported(id crypto.SessionID, err error) {
	if err != nil {
		n.issue.Importance = widget.DangerImportance
		n.issue.SetText(qrSentence(err))
		return
	}
	n.idEntry.SetText(id.String())
	n.p.win.Canvas().Focus(n.name)
}

// start opens the conversation (off the Fyne goroutine: it writes the database).
func (n *newConversation) start() {
	id, err := crypto.ParseSessionID(n.idEntry.Text)
	if err != nil {
		n.check(n.idEntry.Text)
		return
	}
	name := strings.TrimSpace(n.name.Text)
	if msg := nameProblem(name); msg != "" {
		n.issue.Importance = widget.DangerImportance
		n.issue.SetText(msg)
		return
	}
	n.dlg.Hide()
	p := n.p
	background(p, func(e *engine.Engine) (engine.Conversation, error) {
		c, err := e.StartConversation(id)
		if err == nil && name != "" {
			err = e.SetContactName(id, name)
			c.Name = name
		}
		return c, err
	}, func(c engine.Conversation, err error) {
		if err != nil {
			p.showError(plain(err, lang.L("Allium could not start the conversation. Try again.")))
			return
		}
		p.sidebar.put(c)
		p.refresh()
		p.openConversation(id)
	})
}
