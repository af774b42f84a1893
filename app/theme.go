package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"allium/assets"
)

// appearanceTheme is Fyne's default theme with the light or dark variant forced, or the
// system's when follow is set.
type appearanceTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
	follow  bool
}

func (t *appearanceTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if !t.follow {
		v = t.variant
	}
	palette := lightColors
	if v == theme.VariantDark {
		palette = darkColors
	}
	if c, ok := palette[n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}

// Font is Vazirmatn, which draws Persian as well as Latin, for every style but
// monospace and symbols. Vazirmatn has no italic: italic text (a Persian "typing…")
// is drawn upright rather than in a font without Persian letters.
func (t *appearanceTheme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Monospace || s.Symbol:
		return t.Theme.Font(s)
	case s.Bold:
		return assets.FontBold
	}
	return assets.FontRegular
}

// lightColors and darkColors replace the default theme's colours that text is drawn in
// (or on) where they fall short of 4.5:1 (WCAG AA) against the backgrounds they meet:
// faint text (Fyne draws low-importance labels in the disabled colour, 1.3:1 in the light
// theme; it must read on a selected row of the list too), placeholders, warnings (the
// status line when offline), errors, success, and the primary colour behind button and
// bubble text. A worried person looks at exactly these lines. TestTextContrast checks every text of the main views in both themes.
var (
	lightColors = map[fyne.ThemeColorName]color.Color{
		theme.ColorNameDisabled:            color.NRGBA{R: 0x59, G: 0x59, B: 0x59, A: 0xff},
		theme.ColorNamePlaceHolder:         color.NRGBA{R: 0x59, G: 0x59, B: 0x59, A: 0xff},
		theme.ColorNameWarning:             color.NRGBA{R: 0xa6, G: 0x54, B: 0x00, A: 0xff},
		theme.ColorNameError:               color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff},
		theme.ColorNameSuccess:             color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff},
		theme.ColorNamePrimary:             color.NRGBA{R: 0x1a, G: 0x5f, B: 0xd0, A: 0xff},
		theme.ColorNameForegroundOnPrimary: color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff},
	}
	darkColors = map[fyne.ThemeColorName]color.Color{
		theme.ColorNameDisabled:            color.NRGBA{R: 0x9a, G: 0x9a, B: 0x9a, A: 0xff},
		theme.ColorNamePrimary:             color.NRGBA{R: 0x5c, G: 0x9c, B: 0xff, A: 0xff},
		theme.ColorNameForegroundOnPrimary: color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff},
	}
)

// applyAppearance sets the application's theme for an appearance choice.
func applyAppearance(fa fyne.App, appearance string) {
	t := &appearanceTheme{Theme: theme.DefaultTheme(), follow: true}
	switch appearance {
	case appearanceLight:
		t.follow, t.variant = false, theme.VariantLight
	case appearanceDark:
		t.follow, t.variant = false, theme.VariantDark
	}
	fa.Settings().SetTheme(t)
}
