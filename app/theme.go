package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
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
	return t.Theme.Color(n, v)
}

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
