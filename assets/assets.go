// Package assets holds the files Allium embeds: its icon and the licences of the code it
// is built from.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

// The icon is drawn in icon.svg (make icons renders the PNGs from it). The app embeds
// the 256-pixel rendering: Fyne would rasterize the SVG in pure Go when the first window
// opens, which takes over a second on a slow machine, while decoding the PNG takes
// milliseconds. Desktops get the SVG itself from the packages.
//
//go:embed icons/icon-256.png
var iconPNG []byte

// Icon is Allium's application icon: an allium flower head, purple on a dark square.
var Icon = &fyne.StaticResource{StaticName: "allium.png", StaticContent: iconPNG}

// Licenses holds the licences of the open-source code Allium's programs link, as make
// licenses writes them (scripts/licenses); Settings › About shows them, and every package
// carries them as LICENSES.txt.
//
//go:embed licenses.txt
var Licenses string
