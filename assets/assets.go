// Package assets holds the files Allium embeds: its icon, its font and the licences of
// the code and font it is built from.
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

// Vazirmatn (version 33.0.3, from its npm package) draws Persian and Latin text alike,
// so that a Persian message looks right on a machine without a Persian font; Fyne falls
// back to its own fonts for what Vazirmatn lacks, its emoji font for emoji. Its licence
// (SIL Open Font License 1.1) is in fonts/LICENSE-Vazirmatn.txt and in Licenses.
var (
	//go:embed fonts/Vazirmatn-Regular.ttf
	vazirmatnRegular []byte
	//go:embed fonts/Vazirmatn-Bold.ttf
	vazirmatnBold []byte

	// FontRegular and FontBold are Vazirmatn's regular and bold weights.
	FontRegular = &fyne.StaticResource{StaticName: "Vazirmatn-Regular.ttf", StaticContent: vazirmatnRegular}
	FontBold    = &fyne.StaticResource{StaticName: "Vazirmatn-Bold.ttf", StaticContent: vazirmatnBold}
)
