package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"allium/crypto"
	"allium/engine"
	"allium/network/testnet"
)

// DemoOptions configure the demo.
type DemoOptions struct {
	// Dir is where the demo keeps its network and its two profiles, in a fresh
	// subdirectory that Close removes. Empty means the user cache directory.
	Dir string
	// Log, if set, receives one machine-readable line per step (for scripts):
	// "demo-window TITLE", "demo-ready", "demo-received NAME TEXT", "demo-status NAME STATUS",
	// "demo-staged NAME FILE" (StageFile is staged), "demo-file NAME FILE" (a file of a
	// message is here, fetched or sent), "demo-file-STATE NAME FILE" (it moved on), or
	// "demo-failed SENTENCE".
	Log io.Writer
	// StageFile, if set, is staged in Alice's composer once her window opens, as if it
	// had been dropped on it (for scripts that then press Enter).
	StageFile string
}

// Demo is a private network of nodes running in this process on 127.0.0.1, with two
// fresh accounts, Alice and Bob, who already know each other, each in its own window.
type Demo struct {
	ui  *UI
	dir string
	log io.Writer
	// network is the file of the demo's network, once it runs; written before the
	// windows open, read on the Fyne goroutine after.
	network string

	logMu sync.Mutex // serialises lines to log

	mu      sync.Mutex // guards tn and engines until Close
	tn      *testnet.Testnet
	engines []*engine.Engine
	closed  bool
}

// StartDemo shows a window while it starts the network and the two accounts, then opens
// Alice's and Bob's windows side by side with their conversation open. Call it before
// the Fyne application runs; call Close after UI.Close.
func (u *UI) StartDemo(opts DemoOptions) (*Demo, error) {
	parent := opts.Dir
	if parent == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		parent = filepath.Join(cache, "allium")
	}
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	dir, err := os.MkdirTemp(parent, "demo-")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	u.demo = true
	d := &Demo{ui: u, dir: dir, log: opts.Log}
	splash := u.fa.NewWindow(lang.L("Allium demo"))
	splash.SetContent(busyView(lang.L("Starting a private network on this computer…")))
	splash.Resize(fyne.NewSize(420, 200))
	splash.Show()
	// No profile is open yet, so no engine can be replaced: nothing makes the result
	// stale.
	spawn(u, nil, d.start, func(e demoEngines, err error) {
		if err != nil {
			d.line("demo-failed " + err.Error())
			p := newProfile(u, "", "", "Allium demo")
			p.showProblem(plain(err, lang.L("The demo could not start its private network on this computer. Close it and start it again.")))
			p.win.Show()
			splash.Close()
			return
		}
		a := d.open(e.alice, "Alice", e.bob.SessionID())
		b := d.open(e.bob, "Bob", e.alice.SessionID())
		if opts.StageFile != "" && a.conv != nil {
			// Scripts wait for this line before they press Enter: staging looks at the
			// file off the window's goroutine, which takes a while under Wine.
			a.conv.composer.staged.onStaged = func(cs []chosen) {
				for _, ch := range cs {
					if ch.problem == "" {
						d.line("demo-staged Alice " + filepath.Base(ch.path))
					} else {
						d.line("demo-failed " + ch.problem)
					}
				}
			}
			a.conv.composer.staged.add([]string{opts.StageFile})
		}
		splash.Close()
		a.win.RequestFocus()
		d.line("demo-window " + a.win.Title())
		d.line("demo-window " + b.win.Title())
		d.line("demo-ready")
	})
	return d, nil
}

// demoEngines are the demo's two accounts.
type demoEngines struct{ alice, bob *engine.Engine }

// start runs the network and makes the two accounts, off the Fyne goroutine. Its errors
// are sentences.
func (d *Demo) start() (demoEngines, error) {
	ctx, cancel := context.WithTimeout(d.ui.ctx, time.Minute)
	defer cancel()
	tn, err := testnet.Start(ctx, testnet.Options{Dir: filepath.Join(d.dir, "network"), SyncInterval: time.Second})
	if err != nil {
		//lint:ignore ST1005 the demo shows this sentence as it is
		return demoEngines{}, errors.New("The demo network could not start on this computer. Close other copies of the Allium demo and try again.")
	}
	d.mu.Lock()
	d.tn = tn
	d.mu.Unlock()
	d.network = tn.NetworkFile()
	open := func(name string) (*engine.Engine, error) {
		dir := filepath.Join(d.dir, strings.ToLower(name))
		if _, err := engine.Create(dir, tn.NetworkFile(), name); err != nil {
			return nil, err
		}
		e, err := engine.Open(engine.Options{Dir: dir, Network: tn.NetworkFile(), PollActive: 500 * time.Millisecond, PollIdle: 2 * time.Second})
		if err != nil {
			return nil, err
		}
		d.mu.Lock()
		d.engines = append(d.engines, e)
		d.mu.Unlock()
		return e, nil
	}
	//lint:ignore ST1005 the demo shows this sentence as it is
	fail := errors.New("The demo could not create its two accounts. Check that the disk is not full, then try again.")
	var e demoEngines
	if e.alice, err = open("Alice"); err != nil {
		return demoEngines{}, fail
	}
	if e.bob, err = open("Bob"); err != nil {
		return demoEngines{}, fail
	}
	if e.alice.SetContactName(e.bob.SessionID(), "Bob") != nil || e.bob.SetContactName(e.alice.SessionID(), "Alice") != nil {
		return demoEngines{}, fail
	}
	return e, nil
}

// open shows one account's window with the conversation with the other one open.
func (d *Demo) open(eng *engine.Engine, name string, other crypto.SessionID) *Profile {
	p := newProfile(d.ui, filepath.Join(d.dir, strings.ToLower(name)), d.network, name)
	p.label = name
	if d.log != nil {
		p.onEvent = d.event
	}
	p.win.Resize(fyne.NewSize(820, 600))
	p.attach(eng, defaultPrefs())
	p.win.Show()
	p.openConversation(other)
	return p
}

// event writes the machine-readable line for an engine event (on a pump goroutine).
func (d *Demo) event(name string, ev engine.Event) {
	switch ev := ev.(type) {
	case engine.MessageReceived:
		if ev.Message.Author != ev.Message.Conversation {
			return // our own message, synced back
		}
		d.line("demo-received " + name + " " + strings.ReplaceAll(ev.Message.Body, "\n", " "))
	case engine.RequestReceived:
		d.line("demo-received " + name + " " + strings.ReplaceAll(ev.Message.Body, "\n", " "))
	case engine.AttachmentsChanged:
		for _, a := range ev.Attachments {
			if a.State == engine.AttachmentHere {
				d.line("demo-file " + name + " " + a.Name)
			} else {
				d.line("demo-file-" + a.State.String() + " " + name + " " + a.Name)
			}
		}
	case engine.ConnectionChanged:
		d.line("demo-status " + name + " " + ev.Status.String())
	}
}

func (d *Demo) line(s string) {
	if d.log == nil {
		return
	}
	d.logMu.Lock()
	defer d.logMu.Unlock()
	fmt.Fprintln(d.log, s)
}

// Close stops the network and removes the demo's directory. Call it after UI.Close, which
// closes the two engines.
func (d *Demo) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	for _, e := range d.engines {
		e.Close()
	}
	var errs []error
	if d.tn != nil {
		errs = append(errs, d.tn.Close())
	}
	errs = append(errs, os.RemoveAll(d.dir))
	return errors.Join(errs...)
}
