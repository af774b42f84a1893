package main

import (
	"context"
	"errors"
	"flag"

	"allium/crypto"
	"allium/engine"
)

func (c *cli) send(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	timeout := fs.Duration("timeout", defaultTimeout, "")
	var files []engine.File
	fs.Func("file", "", func(path string) error {
		files = append(files, engine.File{Path: path})
		return nil
	})
	voice := fs.String("voice", "", "")
	a, err := parseArgs(fs, args, "SESSION_ID", "TEXT")
	if *voice != "" {
		// A voice message is a message of its own: no caption, no other files.
		if len(files) > 0 || fs.NArg() != 1 {
			return usageError("send --voice FILE.mp3 takes only the Session ID: a voice message has no text and no other files.")
		}
		a, err = append(fs.Args(), ""), nil
	}
	if len(files) > 0 && fs.NArg() == 1 {
		a, err = fs.Args(), nil // with files, the text (their caption) may be left out
		a = append(a, "")
	}
	if err != nil {
		return err
	}
	to, err := crypto.ParseSessionID(a[0])
	if err != nil {
		return err
	}
	e, err := c.open()
	if err != nil {
		return err
	}
	defer e.Close()
	_, existed, err := e.Conversation(to)
	if err != nil {
		return err
	}
	var m engine.Message
	if *voice != "" {
		m, err = e.SendVoice(to, *voice)
	} else {
		m, err = e.SendFiles(to, a[1], files)
	}
	if err != nil {
		return err
	}
	// Writing first to someone is our choice: the conversation is accepted, not a request.
	// (After Send, so that a message it refuses leaves no empty conversation behind.)
	if !existed {
		if _, err := e.StartConversation(to); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	for {
		select {
		case ev := <-e.Events():
			if cc, ok := ev.(engine.ConnectionChanged); ok && cc.Problem == engine.ProblemProxy {
				// Waiting would not help: nothing goes anywhere without the proxy.
				return proxyDown(e.Proxy().Addr)
			}
			s, ok := ev.(engine.MessageStatusChanged)
			if !ok || s.Conversation != to || s.Timestamp != m.Timestamp {
				continue
			}
			switch s.State {
			case engine.Sent:
				return nil
			case engine.Failed:
				return errors.New(failure(s.Failure))
			}
		case <-ctx.Done():
			return queued(ctx, e)
		}
	}
}

// queued says why send stopped waiting, and that the message is not lost.
func queued(ctx context.Context, e *engine.Engine) error {
	why := "The network did not confirm the message in time."
	switch {
	case !errors.Is(ctx.Err(), context.DeadlineExceeded):
		why = "Interrupted."
	case e.Status() == engine.ClockWrong:
		why = "The network refuses our requests because this computer's clock is wrong."
	case e.Status() != engine.Online:
		why = unreachableSentence(e.Problem())
	}
	return errors.New(why + " The message stays queued and will be sent the next time this profile is opened.")
}
