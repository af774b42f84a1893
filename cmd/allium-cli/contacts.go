package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"allium/engine"
)

// name prints the display name, or sets it and waits until the account's other devices
// can see it (the profile config is stored in the swarm).
func (c *cli) name(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("name", flag.ContinueOnError)
	timeout := fs.Duration("timeout", time.Minute, "")
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError(err.Error())
	}
	if fs.NArg() > 1 {
		return usageError("name takes at most one argument: put a name with spaces in quotes")
	}
	e, err := c.openRestored(ctx)
	if err != nil {
		return err
	}
	defer e.Close()
	if fs.NArg() == 0 {
		fmt.Println(e.DisplayName())
		return nil
	}
	if err := e.SetDisplayName(fs.Arg(0)); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := e.SyncConfigs(ctx); err != nil {
		if ctx.Err() != nil {
			return waitEnded(ctx, e)
		}
		return err
	}
	return nil
}

// contacts prints one TSV line per contact of the account: Session ID, name, nickname
// (or -), and the flags approved, approved_me and blocked that are set (or -).
func (c *cli) contacts(ctx context.Context, args []string) error {
	if _, err := parseArgs(flag.NewFlagSet("contacts", flag.ContinueOnError), args); err != nil {
		return err
	}
	e, err := c.openRestored(ctx)
	if err != nil {
		return err
	}
	defer e.Close()
	for _, ct := range e.Contacts() {
		var flags []string
		if ct.Approved {
			flags = append(flags, "approved")
		}
		if ct.ApprovedMe {
			flags = append(flags, "approved_me")
		}
		if ct.Blocked {
			flags = append(flags, "blocked")
		}
		if len(flags) == 0 {
			flags = []string{"-"}
		}
		fmt.Printf("%s\t%s\t%s\t%s\n", ct.ID, orDash(oneLine.Replace(ct.Name)), orDash(oneLine.Replace(ct.Nickname)), strings.Join(flags, ","))
	}
	return nil
}

// restoreTimeout bounds the wait for a restored account's first fetch of its configs.
const restoreTimeout = time.Minute

// openRestored opens the engine and, if the account was just restored, waits until it
// has fetched its name, contacts and settings, so that what is printed is the account's.
func (c *cli) openRestored(ctx context.Context) (*engine.Engine, error) {
	e, err := c.open()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, restoreTimeout)
	defer cancel()
	if err := waitRestore(ctx, e); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// waitRestore waits until a restored account has fetched its configs.
func waitRestore(ctx context.Context, e *engine.Engine) error {
	if !e.Restoring() {
		return nil
	}
	for {
		select {
		case ev, ok := <-e.Events():
			if !ok {
				return errInterrupted
			}
			if _, done := ev.(engine.RestoreFinished); done {
				return nil
			}
		case <-ctx.Done():
			return waitEnded(ctx, e)
		}
	}
}
