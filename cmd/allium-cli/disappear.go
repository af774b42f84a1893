package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"allium/engine"
)

// disappearModes are the modes as the command line names them.
var disappearModes = map[string]engine.DisappearMode{
	"off": engine.DisappearOff, "after-send": engine.DisappearAfterSend, "after-read": engine.DisappearAfterRead,
}

// defaultDisappearTimer is the timer when none is given: a day, as the app proposes.
const defaultDisappearTimer = 24 * time.Hour

// disappear prints a conversation's disappearing-messages setting or, given a mode, sets
// it and tells the other person, waiting until their swarm has the change.
func (c *cli) disappear(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("disappear", flag.ContinueOnError)
	timeout := fs.Duration("timeout", defaultTimeout, "")
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("disappear: " + err.Error())
	}
	if fs.NArg() < 1 || fs.NArg() > 3 {
		return usageError("disappear needs SESSION_ID [off|after-send|after-read [DURATION]]")
	}
	rest := fs.Args()[1:]
	set, d := len(rest) > 0, engine.Disappearing{}
	if set {
		mode, ok := disappearModes[rest[0]]
		if !ok {
			return usageError(fmt.Sprintf("disappear: the mode is off, after-send or after-read, not %q", rest[0]))
		}
		d.Mode, d.Timer = mode, defaultDisappearTimer
		if len(rest) == 2 {
			t, err := time.ParseDuration(rest[1])
			if err != nil || t < time.Second || t%time.Second != 0 {
				return usageError(fmt.Sprintf("disappear: %q is not a duration of whole seconds, such as 30s, 5m or 12h", rest[1]))
			}
			d.Timer = t
		}
		if mode == engine.DisappearOff {
			if len(rest) == 2 {
				return usageError("disappear: off takes no duration")
			}
			d = engine.Disappearing{}
		}
	}
	e, conv, err := c.openConversation("disappear", fs.Args()[:1])
	if err != nil {
		return err
	}
	defer e.Close()
	if !set {
		fmt.Println(disappearingText(conv.Disappearing))
		return nil
	}
	if err := e.SetDisappearing(conv.ID, d); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	for {
		n, err := e.Waiting()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.New("The setting is saved, but " + orDash(conv.Name) + " was not told yet: that happens the next time this profile is opened.")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// disappearingText is a setting as disappear prints it: off, or the mode and the timer.
func disappearingText(d engine.Disappearing) string {
	if !d.On() {
		return "off"
	}
	return d.Mode.String() + " " + d.Timer.String()
}
