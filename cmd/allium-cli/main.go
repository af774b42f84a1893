// Command allium-cli is the Allium messenger engine without a window: for scripts, bots
// and tests. Each run opens one profile (one account), does one thing and closes it.
//
//	allium-cli [--profile DIR] [--network session|FILE] [--proxy URL|none] [--proxy-scope all|bootstrap] COMMAND
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"allium/engine"
	"allium/engine/vault"
)

const usage = `allium-cli: the Allium messenger on the command line.

Usage:
  allium-cli [--profile DIR] [--network session|FILE] COMMAND
  (and, before COMMAND, [--proxy URL|none] [--proxy-scope all|bootstrap]
  [--passphrase-file FILE])
    create [--name NAME]          print the new Session ID
    restore [--name NAME]         read the 13 words from stdin, print the Session ID; the
                                  next command that opens the profile first fetches the
                                  account's name, contacts and settings from the network
    name [NEW]                    print the display name, or set it on every device
    contacts                      print each contact as a TSV line: Session ID, name,
                                  nickname or -, flags (approved,approved_me,blocked)
    id | phrase                   print the Session ID | the recovery phrase
    send [--file PATH]... SESSION_ID [TEXT]
                                  exit 0 once the recipient's swarm has stored it; files
                                  (up to 10 MB each) go with TEXT as their caption
    send --voice FILE.mp3 SESSION_ID
                                  send an MP3 recording (at most 5 minutes) as a voice
                                  message, as Session Desktop sends one
    receive [--wait DURATION]     print each new message as a JSON line
                                  {"from","name","timestamp","text","attachments"}; with
                                  --wait, keep polling; with --save DIR, fetch the files
                                  into DIR (each attachment's "path")
    conversations | history SESSION_ID | accept SESSION_ID | block SESSION_ID | path
    avatar PATH | avatar --remove set or remove your profile picture (JPEG, PNG or GIF)
    disappear SESSION_ID [off|after-send|after-read [DURATION]]
                                  print the disappearing-messages setting, or set it
                                  (DURATION such as 5m or 12h, default 24h) and tell them
    passphrase set|change|remove  protect the profile with a passphrase, read from stdin
                                  (change: the current one, then the new one, one a line)

Options:
  --profile DIR       the account's directory (default %s)
  --network NAME      "session", the public Session network, or the network.json that
                      allium-node testnet writes; the profile remembers the last one used
  --proxy URL         connect through a proxy: socks5://HOST:PORT (Tor: 127.0.0.1:9050),
                      socks5://USER:PASSWORD@HOST:PORT or http://[USER:PASSWORD@]HOST:PORT
                      (HTTP CONNECT); names are looked up by the proxy, and nothing is
                      connected to without it; "none" connects directly. The profile
                      remembers it
  --proxy-scope S     "all" (default): every connection goes through the proxy;
                      "bootstrap": only the requests for the list of nodes
  --passphrase-file F the profile's passphrase, on the first line of F; or give it in
                      the environment variable ALLIUM_PASSPHRASE
  send --timeout D    give up waiting after D (default 1m); the message stays queued
  receive --wait D    keep printing for D, e.g. 30s; --wait 0 runs until Ctrl+C
  receive, path --timeout D
                      how long to wait for the network (default 1m)
`

// cli holds the global options every command needs.
type cli struct {
	profile    string
	network    string
	proxy      string
	proxyScope string
	// passphraseFile holds the profile's passphrase on its first line.
	passphraseFile string
	cmd            string // the command being run, for error messages
}

func main() {
	// The profile's key goes to the system's keyring where there is one; ALLIUM_KEYRING=off
	// keeps it in a key file (for tests on a machine whose keyring should stay untouched).
	vault.UseSecretStore(os.Getenv("ALLIUM_KEYRING") != "off")
	c, cmd, args, err := parseGlobal(os.Args[1:])
	if err == nil {
		// The first Ctrl+C cancels ctx and the command closes the engine; stopping the
		// notification then lets a second one end the process at once.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		context.AfterFunc(ctx, stop)
		err = c.run(ctx, cmd, args)
		stop()
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Printf(usage, defaultProfile())
	case err != nil:
		msg, code := c.explain(err)
		fmt.Fprintln(os.Stderr, "allium-cli:", msg)
		os.Exit(code)
	}
}

// parseGlobal reads the options before the command.
func parseGlobal(args []string) (*cli, string, []string, error) {
	c := &cli{}
	fs := flag.NewFlagSet("allium-cli", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.profile, "profile", defaultProfile(), "")
	fs.StringVar(&c.network, "network", "", "")
	fs.StringVar(&c.proxy, "proxy", "", "")
	fs.StringVar(&c.proxyScope, "proxy-scope", "", "")
	fs.StringVar(&c.passphraseFile, "passphrase-file", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, "", nil, err
		}
		return c, "", nil, usageError(err.Error())
	}
	switch {
	case fs.NArg() == 0:
		return c, "", nil, usageError("no command")
	case c.profile == "":
		return c, "", nil, usageError("no profile directory: give --profile DIR")
	}
	if err := engine.CheckProxy(c.proxy, c.proxyScope); err != nil {
		return c, "", nil, err
	}
	return c, fs.Arg(0), fs.Args()[1:], nil
}

// defaultProfile is the profile in the user's config directory, or "" if there is none.
func defaultProfile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "allium", "profile")
}

func (c *cli) run(ctx context.Context, cmd string, args []string) error {
	commands := map[string]func(context.Context, []string) error{
		"create": c.create, "restore": c.restore, "id": c.id, "phrase": c.phrase,
		"send": c.send, "receive": c.receive,
		"conversations": c.conversations, "history": c.history, "accept": c.accept, "block": c.block,
		"path": c.path, "disappear": c.disappear, "avatar": c.avatar,
		"name": c.name, "contacts": c.contacts,
		"passphrase": c.passphrase,
	}
	if cmd == "help" {
		return flag.ErrHelp
	}
	f, ok := commands[cmd]
	c.cmd = cmd
	if !ok {
		return usageError(fmt.Sprintf("unknown command %q", cmd))
	}
	if cmd != "passphrase" {
		if err := c.unlock(); err != nil {
			return err
		}
	}
	return f(ctx, args)
}

// parseArgs parses a command's flags and checks that exactly the arguments named in want
// follow them.
func parseArgs(fs *flag.FlagSet, args []string, want ...string) ([]string, error) {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError(fs.Name() + ": " + err.Error())
	}
	if fs.NArg() != len(want) {
		if len(want) == 0 {
			return nil, usageError(fs.Name() + " takes no arguments")
		}
		return nil, usageError(fs.Name() + " needs " + strings.Join(want, " "))
	}
	return fs.Args(), nil
}

// open starts the engine on the profile. A profile directory that does not exist is
// reported as having no account, rather than created empty.
func (c *cli) open() (*engine.Engine, error) {
	if _, err := os.Stat(c.profile); errors.Is(err, os.ErrNotExist) {
		return nil, engine.ErrNoAccount
	}
	return engine.Open(engine.Options{Dir: c.profile, Network: c.network, Proxy: c.proxy, ProxyScope: c.proxyScope})
}

// waitEnded explains why a wait for the network ended without the awaited result: the
// user interrupted, or the network did not answer in time.
func waitEnded(ctx context.Context, e *engine.Engine) error {
	switch {
	case !errors.Is(ctx.Err(), context.DeadlineExceeded):
		return errInterrupted
	case e.Status() == engine.ClockWrong:
		return engine.ErrClockWrong
	case e.Problem() == engine.ProblemProxy:
		return proxyDown(e.Proxy().Addr)
	}
	return unreachable(e.Problem())
}

// unreachable is a wait for the network ended while it could not be reached, and which
// step failed. It is engine.ErrUnreachable.
type unreachable engine.Problem

func (u unreachable) Error() string { return "unreachable: " + engine.Problem(u).String() }
func (u unreachable) Unwrap() error { return engine.ErrUnreachable }

// proxyDown is a wait for the network ended by a proxy that does not answer (or
// refuses its password): its host:port.
type proxyDown string

func (p proxyDown) Error() string { return "proxy " + string(p) + " unreachable" }

// defaultTimeout bounds every wait for the network.
const defaultTimeout = time.Minute
