package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne's check and radio buttons draw their mark at the left whatever the language. The
// app's draw it where the language's lines start, the right in Persian, with their
// words beside it laid out with the bidi algorithm, and otherwise look and behave as
// Fyne's: the theme's icons, a circle behind the mark on hover and focus, Space to
// toggle, a tap on the words toggles too, greyed when disabled.

// markButton is one mark with its words: the part a check and each radio button share.
// Its owner says whether it is on and what a tap does.
type markButton struct {
	widget.DisableableWidget
	Text string

	on      func() bool // whether the mark is checked
	toggle  func()      // what a tap or Space does
	off     fyne.ThemeIconName
	checked fyne.ThemeIconName

	hovered, focused bool
	// self is the widget on screen: the markButton, or the check that embeds it.
	self fyne.Widget
}

func newMarkButton(text string, off, checked fyne.ThemeIconName, on func() bool, toggle func()) *markButton {
	b := &markButton{}
	b.init(b, text, off, checked, on, toggle)
	return b
}

// init sets a markButton up as part of self, the widget on screen.
func (b *markButton) init(self fyne.Widget, text string, off, checked fyne.ThemeIconName, on func() bool, toggle func()) {
	b.Text, b.off, b.checked, b.on, b.toggle, b.self = text, off, checked, on, toggle, self
	b.ExtendBaseWidget(self)
}

// Tapped toggles the mark, as a tap on the mark or on its words does in Fyne.
func (b *markButton) Tapped(*fyne.PointEvent) {
	if b.Disabled() {
		return
	}
	if !b.focused && !fyne.CurrentDevice().IsMobile() {
		if c := fyne.CurrentApp().Driver().CanvasForObject(b.self); c != nil {
			if f, ok := b.self.(fyne.Focusable); ok {
				c.Focus(f)
			}
		}
	}
	b.toggle()
}

// MouseIn lights the circle behind the mark.
func (b *markButton) MouseIn(*desktop.MouseEvent) {
	if !b.Disabled() {
		b.hovered = true
		b.Refresh()
	}
}

// MouseMoved is part of desktop.Hoverable.
func (b *markButton) MouseMoved(*desktop.MouseEvent) {}

// MouseOut puts the circle out.
func (b *markButton) MouseOut() {
	b.hovered = false
	b.Refresh()
}

// FocusGained shows the focus circle.
func (b *markButton) FocusGained() {
	b.focused = true
	b.Refresh()
}

// FocusLost hides the focus circle.
func (b *markButton) FocusLost() {
	b.focused = false
	b.Refresh()
}

// TypedRune toggles the mark on Space, as Fyne's check does.
func (b *markButton) TypedRune(r rune) {
	if r == ' ' && !b.Disabled() {
		b.toggle()
	}
}

// TypedKey is part of fyne.Focusable.
func (b *markButton) TypedKey(*fyne.KeyEvent) {}

func (b *markButton) CreateRenderer() fyne.WidgetRenderer {
	r := &markRenderer{
		b:     b,
		focus: canvas.NewCircle(color.Transparent),
		bg:    canvas.NewImageFromResource(nil),
		icon:  canvas.NewImageFromResource(nil),
		text:  canvas.NewText("", theme.Color(theme.ColorNameForeground)),
	}
	r.Refresh()
	return r
}

// markRenderer draws a markButton as Fyne draws a check, mirrored in a language written
// right to left.
type markRenderer struct {
	b        *markButton
	focus    *canvas.Circle
	bg, icon *canvas.Image
	text     *canvas.Text
	textW    float32 // the width of the words as drawn
}

func (r *markRenderer) Destroy() {}

func (r *markRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.focus, r.bg, r.icon, r.text}
}

// MinSize is Fyne's check's: the mark, its padding and the words on one line.
func (r *markRenderer) MinSize() fyne.Size {
	pad2 := theme.InnerPadding() * 2
	h := fyne.MeasureText("Mg", theme.TextSize(), fyne.TextStyle{}).Height
	return fyne.NewSize(r.textW+theme.Size(theme.SizeNameInlineIcon)+pad2+r.gap()-2*theme.InputBorderSize(), h+pad2)
}

// gap is the room between the circle behind the mark and the words: Fyne's radio
// buttons leave a little more than its checks.
func (r *markRenderer) gap() float32 {
	if r.b.off == theme.IconNameRadioButton {
		return theme.Padding()
	}
	return 2 * theme.InputBorderSize()
}

func (r *markRenderer) Layout(size fyne.Size) {
	inner, border, icon := theme.InnerPadding(), theme.InputBorderSize(), theme.Size(theme.SizeNameInlineIcon)
	circle := icon + inner
	// Positions as Fyne's check's, measured from the leading edge.
	x := func(leadingX, w float32) float32 {
		if rtl() {
			return size.Width - leadingX - w
		}
		return leadingX
	}
	r.focus.Resize(fyne.NewSquareSize(circle))
	r.focus.Move(fyne.NewPos(x(border, circle), (size.Height-circle)/2))
	iconPos := fyne.NewPos(x(inner/2+border, icon), (size.Height-icon)/2)
	for _, img := range []*canvas.Image{r.bg, r.icon} {
		img.Resize(fyne.NewSquareSize(icon))
		img.Move(iconPos)
	}
	h := fyne.MeasureText("Mg", theme.TextSize(), fyne.TextStyle{}).Height
	r.text.Resize(fyne.NewSize(r.textW, h))
	r.text.Move(fyne.NewPos(x(circle+r.gap(), r.textW), (size.Height-h)/2))
}

func (r *markRenderer) Refresh() {
	b := r.b
	r.text.Text = lineIn(b.Text, baseOf(rtl()))
	r.text.TextSize = theme.TextSize()
	r.textW = fyne.MeasureText(r.text.Text, r.text.TextSize, fyne.TextStyle{}).Width
	r.text.Color = theme.Color(theme.ColorNameForeground)

	icon := theme.NewThemedResource(theme.Icon(b.off))
	icon.ColorName = theme.ColorNameInputBorder
	fill := theme.NewThemedResource(theme.Icon(fillOf(b.off)))
	fill.ColorName = theme.ColorNameInputBackground
	if b.on() {
		icon = theme.NewThemedResource(theme.Icon(b.checked))
		icon.ColorName = theme.ColorNamePrimary
		fill.ColorName = theme.ColorNameBackground
	}
	switch {
	case b.Disabled():
		icon.ColorName, fill.ColorName = theme.ColorNameDisabled, theme.ColorNameBackground
		r.text.Color = theme.Color(theme.ColorNameDisabled)
		r.focus.FillColor = color.Transparent
	case b.focused:
		r.focus.FillColor = theme.Color(theme.ColorNameFocus)
	case b.hovered:
		r.focus.FillColor = theme.Color(theme.ColorNameHover)
	default:
		r.focus.FillColor = color.Transparent
	}
	r.icon.Resource, r.bg.Resource = icon, fill
	r.icon.Refresh()
	r.bg.Refresh()
	r.focus.Refresh()
	r.Layout(b.Size())
	canvas.Refresh(b.self)
}

// fillOf is the icon that fills a mark's inside, so that an unchecked mark shows the
// input background as Fyne's does.
func fillOf(off fyne.ThemeIconName) fyne.ThemeIconName {
	if off == theme.IconNameRadioButton {
		return theme.IconNameRadioButtonFill
	}
	return theme.IconNameCheckButtonFill
}

// check is widget.Check with its mark where lines start. OnChanged runs when a person
// toggles it and on SetChecked with a different value, as Fyne's does.
type check struct {
	markButton
	Checked   bool
	OnChanged func(bool)
}

func newCheck(text string, changed func(bool)) *check {
	c := &check{OnChanged: changed}
	c.init(c, text, theme.IconNameCheckButton, theme.IconNameCheckButtonChecked,
		func() bool { return c.Checked }, func() { c.SetChecked(!c.Checked) })
	return c
}

// SetChecked checks or unchecks the mark.
func (c *check) SetChecked(on bool) {
	if on == c.Checked {
		return
	}
	c.Checked = on
	if c.OnChanged != nil {
		c.OnChanged(on)
	}
	c.Refresh()
}

// radioGroup is widget.RadioGroup with each mark where lines start: its options one
// under the other (or side by side in reading order, if Horizontal). A tap on the chosen
// option clears the choice unless Required, as in Fyne. OnChanged runs on each change.
type radioGroup struct {
	widget.DisableableWidget
	Options    []string
	Selected   string
	OnChanged  func(string)
	Horizontal bool
	Required   bool

	items []*markButton
}

func newRadioGroup(options []string, changed func(string)) *radioGroup {
	g := &radioGroup{Options: options, OnChanged: changed}
	g.ExtendBaseWidget(g)
	return g
}

// SetSelected chooses the option with this text, or none with "".
func (g *radioGroup) SetSelected(option string) {
	if option == g.Selected {
		return
	}
	g.Selected = option
	if g.OnChanged != nil {
		g.OnChanged(option)
	}
	g.Refresh()
}

// tap is what a tap on an option does.
func (g *radioGroup) tap(option string) {
	if option == g.Selected {
		if !g.Required {
			g.SetSelected("")
		}
		return
	}
	g.SetSelected(option)
}

// Disable greys every option.
func (g *radioGroup) Disable() {
	g.DisableableWidget.Disable()
	for _, it := range g.items {
		it.Disable()
	}
}

// Enable makes the options answer again.
func (g *radioGroup) Enable() {
	g.DisableableWidget.Enable()
	for _, it := range g.items {
		it.Enable()
	}
}

// sync makes one mark button per option, keeping those whose option is unchanged.
func (g *radioGroup) sync() {
	if len(g.items) != len(g.Options) {
		g.items = make([]*markButton, len(g.Options))
	}
	for i, o := range g.Options {
		if g.items[i] == nil || g.items[i].Text != o {
			o := o
			g.items[i] = newMarkButton(o, theme.IconNameRadioButton, theme.IconNameRadioButtonChecked,
				func() bool { return g.Selected == o }, func() { g.tap(o) })
		}
		if g.Disabled() {
			g.items[i].Disable()
		} else {
			g.items[i].Enable()
		}
	}
}

func (g *radioGroup) CreateRenderer() fyne.WidgetRenderer {
	g.sync()
	r := &radioRenderer{g: g}
	r.Refresh()
	return r
}

// radioRenderer stacks a group's options, or lines them up in reading order.
type radioRenderer struct {
	g       *radioGroup
	objects []fyne.CanvasObject
}

func (r *radioRenderer) Destroy()                     {}
func (r *radioRenderer) Objects() []fyne.CanvasObject { return r.objects }

// MinSize is Fyne's radio group's: every option as wide and as high as the largest.
func (r *radioRenderer) MinSize() fyne.Size {
	item := r.itemSize()
	n := float32(len(r.g.items))
	if r.g.Horizontal {
		return fyne.NewSize(item.Width*n, item.Height)
	}
	return fyne.NewSize(item.Width, item.Height*n)
}

// itemSize is the size of the largest option.
func (r *radioRenderer) itemSize() fyne.Size {
	var s fyne.Size
	for _, it := range r.g.items {
		s = s.Max(it.MinSize())
	}
	return s
}

// Layout stacks the options, each across the group so that its mark is at the leading
// edge, or puts them side by side in reading order: the first at the right in a
// language written right to left.
func (r *radioRenderer) Layout(size fyne.Size) {
	item := r.itemSize()
	for i, it := range r.g.items {
		if !r.g.Horizontal {
			it.Resize(fyne.NewSize(size.Width, item.Height))
			it.Move(fyne.NewPos(0, float32(i)*item.Height))
			continue
		}
		it.Resize(fyne.NewSize(item.Width, size.Height))
		x := float32(i) * item.Width
		if rtl() {
			x = size.Width - x - item.Width
		}
		it.Move(fyne.NewPos(x, 0))
	}
}

func (r *radioRenderer) Refresh() {
	r.g.sync()
	r.objects = r.objects[:0]
	for _, it := range r.g.items {
		r.objects = append(r.objects, it)
		it.Refresh()
	}
	r.Layout(r.g.Size())
	canvas.Refresh(r.g)
}
