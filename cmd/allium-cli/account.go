package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"allium/crypto"
	"allium/engine"
	"allium/network"
)

func (c *cli) create(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("create", flag.ContinueOnError)
	name := fs.String("name", "", "")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if err := c.checkNetwork(); err != nil {
		return err
	}
	id, err := engine.Create(c.profile, *name)
	if err != nil {
		return err
	}
	fmt.Println(id.SessionID())
	return c.rememberNetwork()
}

func (c *cli) restore(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	name := fs.String("name", "", "")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if err := c.checkNetwork(); err != nil {
		return err
	}
	if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		fmt.Fprintf(os.Stderr, "Type your %d-word recovery phrase, then press Enter:\n", crypto.PhraseWords)
	}
	phrase, err := readPhrase(os.Stdin)
	if err != nil {
		return err
	}
	id, err := engine.Restore(c.profile, phrase, *name)
	if err != nil {
		return err
	}
	fmt.Println(id.SessionID())
	return c.rememberNetwork()
}

// readPhrase reads lines until they hold a whole recovery phrase or the input ends, so
// that a phrase typed on one line needs no end-of-input key.
func readPhrase(r io.Reader) (string, error) {
	var words []string
	s := bufio.NewScanner(r)
	for len(words) < crypto.PhraseWords && s.Scan() {
		words = append(words, strings.Fields(s.Text())...)
	}
	return strings.Join(words, " "), s.Err()
}

// checkNetwork rejects an unreadable --network before create or restore writes anything.
func (c *cli) checkNetwork() error {
	if c.network == "" || c.network == engine.NetworkSession {
		return nil
	}
	if _, err := network.LoadNetworkFile(c.network); err != nil {
		return fmt.Errorf("%w: %v", engine.ErrUnknownNetwork, err)
	}
	return nil
}

// rememberNetwork makes a new profile keep the --network it was made with: the engine
// records the network when it opens, and later commands use it without --network.
func (c *cli) rememberNetwork() error {
	if c.network == "" {
		return nil
	}
	e, err := c.open()
	if err != nil {
		return err
	}
	return e.Close()
}

func (c *cli) id(_ context.Context, args []string) error {
	return c.show(flag.NewFlagSet("id", flag.ContinueOnError), args, func(e *engine.Engine) string {
		return e.SessionID().String()
	})
}

func (c *cli) phrase(_ context.Context, args []string) error {
	return c.show(flag.NewFlagSet("phrase", flag.ContinueOnError), args, (*engine.Engine).Phrase)
}

// show prints one thing the profile knows, without waiting for the network.
func (c *cli) show(fs *flag.FlagSet, args []string, what func(*engine.Engine) string) error {
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	e, err := c.open()
	if err != nil {
		return err
	}
	defer e.Close()
	fmt.Println(what(e))
	return nil
}
