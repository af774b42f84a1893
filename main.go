// Command allium is the Allium desktop messenger.
//
//	allium [--profile DIR] [--network session|FILE]
//	allium --demo [--demo-log]
//	allium --version
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"allium/app"
	"allium/app/instance"
	"allium/assets"
	"allium/engine"
	"allium/engine/vault"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

// appID names the application to the desktop (notifications, preferences); it matches
// FyneApp.toml.
const appID = "org.allium.Allium"

func main() {
	profile := flag.String("profile", "", "the profile directory (default: the user config directory's allium/profile)")
	network := flag.String("network", "", `"session" for the Session network, or the path of a private network file (default: the network the profile used last)`)
	demo := flag.Bool("demo", false, "start a private network on this computer and open two accounts, Alice and Bob")
	demoLog := flag.Bool("demo-log", false, "with --demo, print machine-readable progress lines on standard output")
	demoFile := flag.String("demo-stage-file", "", "with --demo, stage this file in Alice's composer, as if dropped on her window")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println("allium", version)
		return
	}
	if *profile == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			fmt.Fprintln(os.Stderr, "allium: no home directory to keep the profile in; choose one with --profile DIR")
			os.Exit(2)
		}
		*profile = filepath.Join(dir, "allium", "profile")
	}

	// One Allium per profile: a second launch brings the running one's window to the
	// front and exits.
	var owner *instance.Owner
	if !*demo {
		var err error
		owner, err = instance.Claim(*profile)
		if errors.Is(err, instance.ErrRunning) {
			return
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "allium: starting Allium again will not bring this window back:", err)
		}
	}

	// Metadata normally comes from FyneApp.toml through the fyne tool; set it here so that
	// a plain go build behaves the same (fyneDo: widgets are touched only on the Fyne
	// goroutine).
	fyneapp.SetMetadata(fyne.AppMetadata{
		ID: appID, Name: "Allium", Version: version, Build: 1, Icon: assets.Icon,
		Migrations: map[string]bool{"fyneDo": true},
	})
	// A desktop app idles far longer than it works: a smaller heap goal keeps its
	// resident memory down at the cost of a little more collection while busy.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	// Fyne reports its errors through the standard logger; one of them is noise.
	log.SetOutput(app.FilterFyneLog(os.Stderr))
	// Profile keys go to the system's keyring (Secret Service, Keychain, Credential
	// Manager) where one answers; the demo's throwaway profiles keep theirs in key files.
	vault.UseSecretStore(!*demo && os.Getenv("ALLIUM_KEYRING") != "off")
	fa := fyneapp.NewWithID(appID)
	ui := app.New(fa, app.Options{Version: version})

	var d *app.Demo
	if *demo {
		var log io.Writer
		if *demoLog {
			log = os.Stdout
		}
		var err error
		if d, err = ui.StartDemo(app.DemoOptions{Log: log, StageFile: *demoFile}); err != nil {
			fmt.Fprintln(os.Stderr, "allium:", err)
			os.Exit(1)
		}
	} else {
		p := ui.OpenProfile(*profile, *network)
		if owner != nil {
			p.ShowOnRequest(owner)
		}
	}

	// The first SIGINT or SIGTERM quits gracefully; a second one exits at once.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		fyne.Do(fa.Quit)
		<-sigs
		os.Exit(1)
	}()

	fa.Run()
	owner.Close()
	ui.Close()
	// Decrypted copies that other programs opened go with the app.
	engine.RemovePlainCopies()
	if d != nil {
		d.Close()
	}
}
