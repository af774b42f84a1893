// Command perfkit supports scripts/app-perf.sh, which measures the desktop app against
// Fyne's own floor:
//
//	perfkit empty          show an empty Fyne window titled "Empty window" (the floor)
//	perfkit seed DIR N     make an account in the profile DIR with an N-message conversation
//	perfkit pictures DIR N make an account in the profile DIR with a conversation of N photos
package main

import (
	"fmt"
	"os"
	"strconv"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"allium/app/seed"
	"allium/crypto"
	"allium/engine"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "empty":
		fyneapp.SetMetadata(fyne.AppMetadata{ID: "org.allium.perfkit", Name: "perfkit", Migrations: map[string]bool{"fyneDo": true}})
		a := fyneapp.NewWithID("org.allium.perfkit")
		w := a.NewWindow("Empty window")
		w.SetContent(widget.NewLabel(""))
		w.Resize(fyne.NewSize(960, 640))
		w.ShowAndRun()
	case "seed", "pictures":
		if len(os.Args) != 4 {
			usage()
		}
		n, err := strconv.Atoi(os.Args[3])
		if err != nil {
			usage()
		}
		if err := seedProfile(os.Args[2], n, os.Args[1] == "pictures"); err != nil {
			fmt.Fprintln(os.Stderr, "perfkit:", err)
			os.Exit(1)
		}
	default:
		usage()
	}
}

func seedProfile(dir string, n int, pictures bool) error {
	me, err := engine.Create(dir, "", "Ivy")
	if err != nil {
		return err
	}
	other, err := crypto.ParseSessionID("05" + "6a" + "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1")
	if err != nil {
		return err
	}
	if pictures {
		return seed.Pictures(dir, me.SessionID(), other, "Jon", n)
	}
	return seed.Conversation(dir, me.SessionID(), other, "Jon", n)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: perfkit empty | perfkit seed DIR N | perfkit pictures DIR N")
	os.Exit(2)
}
