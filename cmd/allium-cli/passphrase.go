package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"allium/engine/vault"
)

// passphraseEnv names the environment variable a script can give the passphrase in.
const passphraseEnv = "ALLIUM_PASSPHRASE"

// errNoPassphraseGiven: the profile has a passphrase and the command line gave none.
//
//lint:ignore ST1005 printed as it is, as a sentence
var errNoPassphraseGiven = errors.New("This profile is protected by a passphrase. Give it with --passphrase-file FILE or in the environment variable " + passphraseEnv + ".")

// unlock opens the profile's key before a command, if it has a passphrase: from
// --passphrase-file (its first line) or ALLIUM_PASSPHRASE. A profile without one needs
// nothing.
func (c *cli) unlock() error {
	p, err := vault.State(c.profile)
	if err != nil || p != vault.Passphrase {
		return err
	}
	pass, err := c.givenPassphrase()
	if err != nil {
		return err
	}
	if pass == nil {
		return errNoPassphraseGiven
	}
	_, err = vault.Unlock(c.profile, pass)
	return err
}

// givenPassphrase is the passphrase from --passphrase-file or the environment, or nil.
func (c *cli) givenPassphrase() ([]byte, error) {
	if c.passphraseFile != "" {
		f, err := os.Open(c.passphraseFile)
		if err != nil {
			return nil, vault.Error(fmt.Sprintf("Can't read the passphrase file %s: %s.", c.passphraseFile, plainPathError(err)))
		}
		defer f.Close()
		line, err := readLine(bufio.NewReader(f))
		if err != nil {
			return nil, err
		}
		return []byte(line), nil
	}
	if v, ok := os.LookupEnv(passphraseEnv); ok {
		return []byte(v), nil
	}
	return nil, nil
}

// readLine reads one line without its line ending; an empty input is an empty line.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// passphrase sets, changes or removes the profile's passphrase, reading passphrases from
// stdin one per line: set reads the new one; change the current one, then the new one;
// remove the current one.
func (c *cli) passphrase(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("passphrase", flag.ContinueOnError)
	rest, err := parseArgs(fs, args, "set|change|remove")
	if err != nil {
		return err
	}
	if _, err := os.Stat(c.profile); errors.Is(err, os.ErrNotExist) {
		return errNoAccountHere
	}
	state, err := vault.State(c.profile)
	if err != nil {
		return err
	}
	if state == vault.None {
		return errNoAccountHere
	}
	in := bufio.NewReader(os.Stdin)
	prompt := func(what string) (string, error) {
		if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintf(os.Stderr, "Type %s, then press Enter:\n", what)
		}
		return readLine(in)
	}
	switch rest[0] {
	case "set":
		if state == vault.Passphrase {
			return usageError("this profile has a passphrase already: use `passphrase change`")
		}
		next, err := prompt("the new passphrase")
		if err != nil {
			return err
		}
		if err := vault.SetPassphrase(c.profile, nil, []byte(next)); err != nil {
			return err
		}
		fmt.Println("The profile is now protected by your passphrase. If you forget it, your account can be restored from its recovery phrase, but the message history on this computer stays behind.")
	case "change":
		if state != vault.Passphrase {
			return vault.ErrNoPassphrase
		}
		old, err := prompt("the current passphrase")
		if err != nil {
			return err
		}
		next, err := prompt("the new passphrase")
		if err != nil {
			return err
		}
		if err := vault.SetPassphrase(c.profile, []byte(old), []byte(next)); err != nil {
			return err
		}
		fmt.Println("The passphrase is changed.")
	case "remove":
		if state != vault.Passphrase {
			return vault.ErrNoPassphrase
		}
		old, err := prompt("the current passphrase")
		if err != nil {
			return err
		}
		if err := vault.RemovePassphrase(c.profile, []byte(old)); err != nil {
			return err
		}
		if p, _ := vault.State(c.profile); p == vault.KeyFile {
			fmt.Println("The passphrase is removed. " + keyFileWarning)
		} else {
			fmt.Println("The passphrase is removed. The profile's key is in your system's keyring again.")
		}
	default:
		return usageError(fmt.Sprintf("passphrase: unknown action %q: use set, change or remove", rest[0]))
	}
	return nil
}

// keyFileWarning is what the app's Settings say when only a key file protects the profile.
const keyFileWarning = "Your messages are encrypted, but the key is stored next to them because this computer has no keyring Allium can use: anyone who copies the profile folder can read them. Set a passphrase to protect them."

var errNoAccountHere = errors.New("no account")
