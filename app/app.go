// Package app is Allium's desktop interface, built with Fyne: onboarding, the main window
// with its conversations, contact exchange by QR code, message requests, settings with the
// onion path view, desktop notifications and the tray, and the two-window demo.
//
// It reaches the network only through package engine, and is the only package that
// imports Fyne (except assets, for resources). It never imports fyne.io/fyne/v2/app, so its
// views run headless under fyne.io/fyne/v2/test.
//
// Threads: only the Fyne goroutine touches widgets and the fields of UI and Profile that
// hold view state. Work that touches the disk or the network runs on a goroutine of its
// own, started by background (or step, before the account is open), which hands its
// result back with UI.do (fyne.Do outside tests) and drops it if the profile's engine
// was replaced meanwhile. Each open profile
// drains its engine's events with one pump goroutine, which applies every event with
// UI.do, in order.
package app

import (
	"context"
	"log/slog"
	"sync"

	"fyne.io/fyne/v2"

	"allium/assets"
)

// Options configure the interface.
type Options struct {
	// Version is shown under Settings › About.
	Version string
	// Logger receives diagnostics (never message contents); nil discards them.
	Logger *slog.Logger
}

// UI is the desktop interface of one process: the Fyne application and the profiles
// open in it (one, or two in the demo).
type UI struct {
	fa      fyne.App
	version string
	log     *slog.Logger
	// do runs fn on the Fyne goroutine. It is fyne.Do, except in tests, where the test's
	// goroutine plays the Fyne goroutine.
	do func(fn func())

	// pumps counts the event pumps and work the background work (see spawn), so that
	// Close can wait for them.
	pumps, work sync.WaitGroup
	// ctx ends when Close starts; background work that may wait on the network uses it.
	ctx    context.Context
	cancel context.CancelFunc

	// Fyne goroutine only:
	profiles   []*Profile
	foreground bool
	trayUnread int
	// trayOK says whether the desktop has a tray (see trayAvailable), once trayChecked.
	trayChecked, trayOK bool
	notified            int  // notifications sent, for tests
	demo                bool // closing a window quits, and nothing runs in the background
	pictures            pictureCache
	// sound records and plays voice messages (sound.go).
	sound sound
	// torPorts are where Settings › Network looks for a Tor on this computer
	// (engine.TorPorts; tests use their own SOCKS5 server's).
	torPorts []int
}

// New makes the interface of the Fyne application fa. Call it before fa.Run.
func New(fa fyne.App, opts Options) *UI {
	return newUI(fa, opts, fyne.Do)
}

func newUI(fa fyne.App, opts Options, do func(func())) *UI {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	version := opts.Version
	if version == "" {
		version = "dev"
	}
	loadLanguages()
	u := &UI{fa: fa, version: version, log: log, do: do, foreground: true, trayUnread: -1, sound: realSound()}
	u.ctx, u.cancel = context.WithCancel(context.Background())
	fa.SetIcon(assets.Icon)
	lc := fa.Lifecycle()
	lc.SetOnEnteredForeground(func() { u.setForeground(true) })
	lc.SetOnExitedForeground(func() { u.setForeground(false) })
	applyAppearance(fa, appearanceSystem)
	return u
}

// OpenProfile shows the profile in dir in a new window: onboarding first if it holds no
// account yet, then the main window. network is engine.Options.Network.
func (u *UI) OpenProfile(dir, network string) *Profile {
	p := newProfile(u, dir, network, "Allium")
	p.win.Show()
	p.start()
	return p
}

// Close closes every profile's engine, then waits for the background work (which the
// closed engines end quickly) and the event pumps. Call it once the Fyne application has
// stopped running.
func (u *UI) Close() {
	u.cancel()
	var engines []interface{ Close() error }
	done := make(chan struct{})
	// The profile list belongs to the Fyne goroutine, which has stopped by now; taking
	// the list under DoAndWait would deadlock, so it is read directly.
	for _, p := range u.profiles {
		p.mu.Lock()
		if p.eng != nil {
			engines = append(engines, p.eng)
		}
		p.mu.Unlock()
	}
	go func() {
		for _, e := range engines {
			e.Close()
		}
		close(done)
	}()
	<-done
	u.work.Wait()
	u.pumps.Wait()
}
