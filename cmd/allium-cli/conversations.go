package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"allium/crypto"
	"allium/engine"
)

// oneLine keeps a message on its line and in its column.
var oneLine = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ")

func (c *cli) conversations(ctx context.Context, args []string) error {
	if _, err := parseArgs(flag.NewFlagSet("conversations", flag.ContinueOnError), args); err != nil {
		return err
	}
	e, err := c.openRestored(ctx)
	if err != nil {
		return err
	}
	defer e.Close()
	convs, err := e.Conversations()
	if err != nil {
		return err
	}
	for _, cv := range convs {
		var kind []string
		if !cv.Approved {
			kind = append(kind, "request")
		}
		if cv.Blocked {
			kind = append(kind, "blocked")
		}
		if len(kind) == 0 {
			kind = []string{"-"}
		}
		fmt.Printf("%s\t%s\t%d unread\t%s\t%s\n", cv.ID, orDash(cv.Name), cv.Unread, strings.Join(kind, ","), oneLine.Replace(cv.LastBody))
	}
	return nil
}

func (c *cli) history(_ context.Context, args []string) error {
	e, conv, err := c.openConversation("history", args)
	if err != nil {
		return err
	}
	defer e.Close()
	// Pages come newest first, each oldest first; a page ends before the previous one's
	// first timestamp.
	const pageSize = 200
	var pages [][]engine.Message
	for before := int64(0); ; {
		page, err := e.Messages(conv.ID, before, pageSize)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		pages = append(pages, page)
		before = page[0].Timestamp
	}
	for i := len(pages) - 1; i >= 0; i-- {
		for _, m := range pages[i] {
			who, state := orDash(conv.Name), "-"
			if who == "-" {
				who = conv.ID.String()
			}
			if m.Author == e.SessionID() {
				who, state = "me", m.State.String()
			}
			at := time.UnixMilli(m.Timestamp).Local().Format("2006-01-02 15:04")
			fmt.Printf("%s\t%s\t%s\t%s\n", at, who, state, oneLine.Replace(m.Body))
		}
	}
	return nil
}

func (c *cli) accept(_ context.Context, args []string) error {
	e, conv, err := c.openConversation("accept", args)
	if err != nil {
		return err
	}
	defer e.Close()
	return e.Accept(conv.ID)
}

func (c *cli) block(_ context.Context, args []string) error {
	e, conv, err := c.openConversation("block", args)
	if err != nil {
		return err
	}
	defer e.Close()
	return e.Block(conv.ID)
}

// openConversation parses a command that takes one Session ID, opens the engine and finds
// the conversation with that person.
func (c *cli) openConversation(cmd string, args []string) (*engine.Engine, engine.Conversation, error) {
	a, err := parseArgs(flag.NewFlagSet(cmd, flag.ContinueOnError), args, "SESSION_ID")
	if err != nil {
		return nil, engine.Conversation{}, err
	}
	id, err := crypto.ParseSessionID(a[0])
	if err != nil {
		return nil, engine.Conversation{}, err
	}
	e, err := c.open()
	if err != nil {
		return nil, engine.Conversation{}, err
	}
	conv, ok, err := e.Conversation(id)
	if err == nil && !ok {
		err = errors.New("No conversation with " + id.String() + ".")
	}
	if err != nil {
		e.Close()
		return nil, engine.Conversation{}, err
	}
	return e, conv, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
