package app

import (
	"crypto/sha512"
	"encoding/hex"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"

	"allium/crypto"
	"allium/engine"
)

// Someone's avatar placeholder is drawn from their Session ID, as Session draws it, so
// that two people who chose the same name still look different, and the same person
// looks the same in Allium and in Session: a circle in one of Session's seven accent
// colours, picked by the first 48 bits of the SHA-512 of the ID's text, with their
// initials.

// avatarColors are Session's accent colours, in Session's order (green, blue, yellow,
// pink, purple, orange, red).
var avatarColors = [...]color.NRGBA{
	{R: 0x31, G: 0xf1, B: 0x96, A: 0xff},
	{R: 0x57, G: 0xc9, B: 0xfa, A: 0xff},
	{R: 0xfa, G: 0xd6, B: 0x57, A: 0xff},
	{R: 0xff, G: 0x95, B: 0xef, A: 0xff},
	{R: 0xc9, G: 0x93, B: 0xff, A: 0xff},
	{R: 0xfc, G: 0xb1, B: 0x59, A: 0xff},
	{R: 0xff, G: 0x9c, B: 0x8e, A: 0xff},
}

// avatarInk is the initials' colour: every accent colour is light, and near-black on
// them stays above 4.5:1 where Session's white would not.
var avatarInk = color.NRGBA{R: 0x10, G: 0x10, B: 0x10, A: 0xff}

// avatarColor is the placeholder colour of a Session ID.
func avatarColor(id crypto.SessionID) color.NRGBA {
	sum := sha512.Sum512([]byte(id.String()))
	n, _ := strconv.ParseUint(hex.EncodeToString(sum[:6]), 16, 64)
	return avatarColors[n%uint64(len(avatarColors))]
}

// initials are the letters on a placeholder: the first two letters or digits of a
// one-word name, the first of each of the first two words otherwise, or, without a
// name, the first character of the ID after its 05 prefix.
func initials(name string, id crypto.SessionID) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return unicode.IsSpace(r) || r == '-' })
	var out []rune
	if len(words) == 1 {
		for _, r := range words[0] {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				out = append(out, r)
				if len(out) == 2 {
					break
				}
			}
		}
	} else {
		for _, w := range words {
			if r := []rune(w)[0]; unicode.IsLetter(r) || unicode.IsDigit(r) {
				out = append(out, r)
			}
			if len(out) == 2 {
				break
			}
		}
	}
	if len(out) == 0 {
		return strings.ToUpper(id.String()[2:3])
	}
	s := []rune(strings.ToUpper(string(out)))
	return string(s[:min(len(s), 2)])
}

// avatar is someone's picture, clipped to a circle, or, without one (and until it is
// decoded, or if it can't be), their placeholder: a coloured circle with initials. It
// has a fixed size.
type avatar struct {
	size    float32
	circle  *canvas.Circle
	text    *canvas.Text
	image   *canvas.Image
	content *fyne.Container
	// want is the file of the picture the avatar should show, "" for the placeholder;
	// shown is the one it shows.
	want, shown string
}

func newAvatar(size float32) *avatar {
	a := &avatar{size: size, circle: canvas.NewCircle(avatarColors[0]), text: canvas.NewText("", avatarInk)}
	a.text.TextStyle.Bold = true
	a.text.TextSize = size * 0.4
	a.text.Alignment = fyne.TextAlignCenter
	a.image = canvas.NewImageFromImage(nil)
	a.image.FillMode = canvas.ImageFillContain
	a.image.ScaleMode = canvas.ImageScaleSmooth
	a.image.Hide()
	a.content = container.New(layout.NewGridWrapLayout(fyne.NewSize(size, size)),
		container.NewStack(a.circle, container.NewCenter(a.text), a.image))
	return a
}

// set shows a person: their picture, if picture names its file, else their
// placeholder.
func (a *avatar) set(p *Profile, id crypto.SessionID, name, picture string) {
	a.circle.FillColor = avatarColor(id)
	a.text.Text = initials(name, id)
	a.want = picture
	if picture != "" {
		// Decoded at twice the drawn size, so that it stays sharp on a high-density screen.
		p.ui.picture(picture, int(math.Ceil(float64(a.size*2))), func(img image.Image) {
			if a.want == picture { // else the avatar shows someone else by now (a reused row)
				a.showPicture(picture, img)
			}
		})
	}
	if a.shown != picture || picture == "" {
		a.showPicture("", nil) // the placeholder, at least until the picture is decoded
	}
}

// showPicture shows the decoded picture of a file, or the placeholder for nil.
func (a *avatar) showPicture(path string, img image.Image) {
	changed := a.image.Image != img
	a.image.Image = img
	if img == nil {
		a.shown = ""
		a.image.Hide()
		a.circle.Show()
		a.text.Show()
	} else {
		a.shown = path
		a.circle.Hide()
		a.text.Hide()
		a.image.Show()
	}
	a.circle.Refresh()
	a.text.Refresh()
	if changed { // a new picture is uploaded to the graphics card again
		a.image.Refresh()
	}
}

// showsPicture reports whether the avatar shows a picture rather than the placeholder.
func (a *avatar) showsPicture() bool { return a.shown != "" }

// sameName reports whether two names would pass for each other on screen: equal once
// case, surrounding spaces and repeated spaces are ignored.
func sameName(a, b string) bool {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	return a != "" && b != "" && norm(a) == norm(b)
}

// lookalike returns a contact, other than c, with the same name as c, if there is one:
// an impostor chooses the name of someone the person trusts.
func lookalike(c engine.Conversation, convs []engine.Conversation) (engine.Conversation, bool) {
	for _, o := range convs {
		if o.ID != c.ID && o.Approved && !o.Blocked && sameName(o.Name, c.Name) {
			return o, true
		}
	}
	return engine.Conversation{}, false
}
