package main

import (
	"context"
	"flag"
)

// avatar sets the profile picture (uploaded, encrypted, and announced with every message
// from then on), or removes it with --remove.
func (c *cli) avatar(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("avatar", flag.ContinueOnError)
	remove := fs.Bool("remove", false, "")
	timeout := fs.Duration("timeout", defaultTimeout, "")
	want := []string{"PATH"}
	if len(args) > 0 && (args[0] == "--remove" || args[0] == "-remove") {
		want = nil
	}
	a, err := parseArgs(fs, args, want...)
	if err != nil {
		return err
	}
	path := ""
	if !*remove {
		path = a[0]
	}
	e, err := c.open()
	if err != nil {
		return err
	}
	defer e.Close()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := e.SetAvatar(ctx, path); err != nil {
		if ctx.Err() != nil {
			return waitEnded(ctx, e)
		}
		return err
	}
	return nil
}
