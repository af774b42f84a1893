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
)

func (c *cli) create(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("create", flag.ContinueOnError)
	name := fs.String("name", "", "")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	id, err := engine.Create(c.profile, c.network, *name)
	if err != nil {
		return err
	}
	fmt.Println(id.SessionID())
	return nil
}

func (c *cli) restore(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	name := fs.String("name", "", "")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if err := engine.CheckNetwork(c.network); err != nil {
		return err
	}
	if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		fmt.Fprintf(os.Stderr, "Type your %d-word recovery phrase, then press Enter:\n", crypto.PhraseWords)
	}
	phrase, err := readPhrase(os.Stdin)
	if err != nil {
		return err
	}
	id, err := engine.Restore(c.profile, c.network, phrase, *name)
	if err != nil {
		return err
	}
	fmt.Println(id.SessionID())
	return nil
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

func (c *cli) id(_ context.Context, args []string) error {
	return c.show(flag.NewFlagSet("id", flag.ContinueOnError), args, func(id *crypto.Identity) string {
		return id.SessionID().String()
	})
}

func (c *cli) phrase(_ context.Context, args []string) error {
	return c.show(flag.NewFlagSet("phrase", flag.ContinueOnError), args, func(id *crypto.Identity) string {
		p, _ := id.Phrase()
		return p
	})
}

// show prints one thing of the profile's account, without opening an engine.
func (c *cli) show(fs *flag.FlagSet, args []string, what func(*crypto.Identity) string) error {
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	if err := engine.CheckNetwork(c.network); err != nil {
		return err // a --network that can't be used is a mistake even here
	}
	id, err := engine.LoadIdentity(c.profile)
	if err != nil {
		return err
	}
	fmt.Println(what(id))
	return nil
}
