package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"allium/engine"
)

func (c *cli) path(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("path", flag.ContinueOnError)
	timeout := fs.Duration("timeout", defaultTimeout, "")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	e, err := c.open()
	if err != nil {
		return err
	}
	defer e.Close()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	paths := e.Paths()
	for len(paths) == 0 {
		select {
		case ev := <-e.Events():
			if pc, ok := ev.(engine.PathChanged); ok {
				paths = pc.Paths
			}
		case <-ctx.Done():
			return waitEnded(ctx, e)
		}
	}
	for _, p := range paths {
		hops := []string{"You"}
		for _, n := range p.Nodes {
			hops = append(hops, fmt.Sprintf("%s (%x)", n.Addr, n.Ed25519[:4]))
		}
		fmt.Println(strings.Join(hops, " → "))
	}
	return nil
}
