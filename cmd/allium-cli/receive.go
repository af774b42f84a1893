package main

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"time"

	"allium/engine"
)

// quietPeriod is how long receive without --wait waits, once online, for no new message
// before it takes the swarm to be fetched: the engine has no "caught up" signal, and
// while a node has more it polls again at once.
const quietPeriod = 2 * time.Second

// received is one line of receive's output.
type received struct {
	From      string `json:"from"`
	Name      string `json:"name"`
	Timestamp int64  `json:"timestamp"`
	Text      string `json:"text"`
}

func (c *cli) receive(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("receive", flag.ContinueOnError)
	wait := fs.Duration("wait", -1, "")
	timeout := fs.Duration("timeout", defaultTimeout, "")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	e, err := c.open()
	if err != nil {
		return err
	}
	defer e.Close()
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)

	catchUp := *wait < 0
	var stop <-chan time.Time // --wait D: the end of D
	if *wait > 0 {
		stop = time.After(*wait)
	}
	if catchUp {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	quiet := time.NewTimer(quietPeriod)
	quiet.Stop()
	online := false
	for {
		if !online && e.Status() == engine.Online {
			online = true
			e.PollNow()
			quiet.Reset(quietPeriod)
		}
		select {
		case ev := <-e.Events():
			var m engine.Message
			var conv engine.Conversation
			switch ev := ev.(type) {
			case engine.MessageReceived:
				m, conv = ev.Message, ev.Conversation
			case engine.RequestReceived:
				m, conv = ev.Message, ev.Conversation
			default:
				continue
			}
			// Our own messages, synced from another device, are not news to print.
			if m.Author == e.SessionID() {
				continue
			}
			if err := out.Encode(received{From: m.Author.String(), Name: conv.Name, Timestamp: m.Timestamp, Text: m.Body}); err != nil {
				return err
			}
			if online {
				quiet.Reset(quietPeriod)
			}
		case <-quiet.C:
			if catchUp {
				return nil
			}
		case <-stop:
			return nil
		case <-ctx.Done():
			if catchUp && !online {
				return waitEnded(ctx, e)
			}
			return nil
		}
	}
}
