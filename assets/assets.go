// Package assets holds the files Allium embeds: its icon.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.svg
var iconSVG []byte

// Icon is Allium's application icon: an allium flower head, purple on a dark square.
var Icon = &fyne.StaticResource{StaticName: "allium.svg", StaticContent: iconSVG}
