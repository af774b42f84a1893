package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"allium/crypto"
	"allium/engine"
	"allium/engine/vault"
)

// quietPeriod is how long receive without --wait waits, once online, for no new message
// before it takes the swarm to be fetched: the engine has no "caught up" signal, and
// while a node has more it polls again at once.
const quietPeriod = 2 * time.Second

// received is one line of receive's output.
type received struct {
	From        string         `json:"from"`
	Name        string         `json:"name"`
	Timestamp   int64          `json:"timestamp"`
	Text        string         `json:"text"`
	Attachments []receivedFile `json:"attachments,omitempty"`
}

// receivedFile is one file of a received message; Path is where --save put it (empty
// without --save, or when the file could not be fetched: State says why).
type receivedFile struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Path        string `json:"path,omitempty"`
	State       string `json:"state"`
	// Voice marks a voice message.
	Voice bool `json:"voice,omitempty"`
}

// cursorFile names the record, in the profile's encrypted store (and the file in the
// profile that older versions kept it in), of when the newest message receive printed
// was stored (ms since 1970). receive prints every incoming message stored after it:
// also those another command (send, history) happened to fetch while it ran.
const cursorFile = "receive-cursor"

// printer prints incoming messages once each, in the order they were stored, and keeps
// the cursor.
type printer struct {
	e *engine.Engine
	// saveDir is --save's directory; pending holds the messages whose files are still
	// being fetched for it, printed once they are.
	saveDir string
	pending map[printedKey]engine.Conversation
	out     *json.Encoder
	self    crypto.SessionID
	path    string
	cursor  int64 // from the last receive
	newest  int64 // when the newest message printed now was stored
	printed map[printedKey]bool
}

type printedKey struct {
	conv, author crypto.SessionID
	ts           int64
}

func newPrinter(profile string, e *engine.Engine, saveDir string) (*printer, error) {
	p := &printer{e: e, saveDir: saveDir, pending: map[printedKey]engine.Conversation{},
		out: json.NewEncoder(os.Stdout), self: e.SessionID(), path: filepath.Join(profile, cursorFile),
		printed: map[printedKey]bool{}}
	p.out.SetEscapeHTML(false)
	// The cursor says when the last message arrived, so it is kept in the profile's
	// encrypted store; a cursor file an older allium-cli left is moved there and
	// overwritten.
	b, err := e.ProgramValue(cursorFile)
	if err != nil {
		return nil, err
	}
	if b == nil {
		old, err := os.ReadFile(p.path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return p, nil
		case err != nil:
			return nil, err
		}
		if err := e.SetProgramValue(cursorFile, old); err != nil {
			return nil, err
		}
		if err := vault.Shred(p.path); err != nil {
			return nil, err
		}
		b = old
	}
	if p.cursor, err = strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err != nil {
		// A damaged record costs only repetition: every message is printed again.
		p.cursor = 0
	}
	return p, nil
}

// print prints m unless it is ours, was stored before the cursor, or was printed already.
func (p *printer) print(m engine.Message, conv engine.Conversation) error {
	k := printedKey{m.Conversation, m.Author, m.Timestamp}
	if m.Author == p.self || m.Arrived <= p.cursor || p.printed[k] {
		return nil
	}
	if p.saveDir != "" && !settled(m) {
		// Fetch what is not here yet (a stranger's files wait to be asked for), and print
		// the message once every file is here or has failed.
		if _, waiting := p.pending[k]; !waiting {
			for i, a := range m.Attachments {
				if a.State == engine.AttachmentOffered {
					p.e.Download(m.Conversation, m.Author, m.Timestamp, i)
				}
			}
			p.pending[k] = conv
		}
		return nil
	}
	p.printed[k] = true
	delete(p.pending, k)
	line := received{From: m.Author.String(), Name: conv.Name, Timestamp: m.Timestamp, Text: m.Body}
	for _, a := range m.Attachments {
		f := receivedFile{Name: a.Name, ContentType: a.ContentType, Size: a.Size, State: a.State.String(), Voice: a.Voice}
		if p.saveDir != "" && a.State == engine.AttachmentHere {
			path, err := saveCopy(a.Path, p.saveDir, a.Name)
			if err != nil {
				return err
			}
			f.Path = path
		}
		line.Attachments = append(line.Attachments, f)
	}
	if err := p.out.Encode(line); err != nil {
		return err
	}
	p.newest = max(p.newest, m.Arrived)
	return nil
}

// filesChanged prints a message waiting for its files once they are settled.
func (p *printer) filesChanged(ev engine.AttachmentsChanged) error {
	k := printedKey{ev.Conversation, ev.Author, ev.Timestamp}
	conv, ok := p.pending[k]
	if !ok {
		return nil
	}
	m, found, err := p.e.Message(ev.Conversation, ev.Author, ev.Timestamp)
	if err != nil || !found {
		delete(p.pending, k)
		return err
	}
	if !settled(m) {
		return nil
	}
	return p.print(m, conv)
}

// settled reports whether every file of m is here or will not come.
func settled(m engine.Message) bool {
	for _, a := range m.Attachments {
		switch a.State {
		case engine.AttachmentOffered, engine.AttachmentDownloading:
			return false
		}
	}
	return true
}

// saveCopy copies a fetched file into dir under its name, or under "name (2)" and so on
// if that is taken, and returns where.
func saveCopy(src, dir, name string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 1; ; i++ {
		dst := filepath.Join(dir, name)
		if i > 1 {
			dst = filepath.Join(dir, fmt.Sprintf("%s (%d)%s", base, i, ext))
		}
		in, err := engine.OpenFile(src)
		if err != nil {
			return "", err
		}
		out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			in.Close()
			continue
		}
		if err != nil {
			in.Close()
			return "", err
		}
		_, err = io.Copy(out, in)
		in.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		return dst, err
	}
}

// backlog prints what earlier commands stored and no receive has printed yet.
func (p *printer) backlog(e *engine.Engine) error {
	convs, err := e.Conversations()
	if err != nil {
		return err
	}
	type item struct {
		m    engine.Message
		conv engine.Conversation
	}
	var news []item
	for _, conv := range convs {
		ms, err := e.Messages(conv.ID, 0, 0)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Arrived > p.cursor && m.Author != p.self {
				news = append(news, item{m, conv})
			}
		}
	}
	slices.SortFunc(news, func(a, b item) int {
		return cmp.Or(cmp.Compare(a.m.Arrived, b.m.Arrived), cmp.Compare(a.m.Timestamp, b.m.Timestamp))
	})
	for _, n := range news {
		if err := p.print(n.m, n.conv); err != nil {
			return err
		}
	}
	return nil
}

// save records the newest message printed, so that the next receive starts after it. A
// message still queued when receive stops was not printed, and is printed next time.
func (p *printer) save() error {
	if p.newest <= p.cursor {
		return nil
	}
	return p.e.SetProgramValue(cursorFile, []byte(strconv.FormatInt(p.newest, 10)+"\n"))
}

func (c *cli) receive(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("receive", flag.ContinueOnError)
	wait := fs.Duration("wait", -1, "")
	timeout := fs.Duration("timeout", defaultTimeout, "")
	saveDir := fs.String("save", "", "")
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	e, err := c.open()
	if err != nil {
		return err
	}
	defer e.Close()
	p, err := newPrinter(c.profile, e, *saveDir)
	if err != nil {
		return err
	}
	defer p.save()
	if err := p.backlog(e); err != nil {
		return err
	}

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
			case engine.AttachmentsChanged:
				if err := p.filesChanged(ev); err != nil {
					return err
				}
				continue
			default:
				continue
			}
			if err := p.print(m, conv); err != nil {
				return err
			}
			if online {
				quiet.Reset(quietPeriod)
			}
		case <-quiet.C:
			if catchUp && len(p.pending) == 0 {
				return nil
			}
			quiet.Reset(quietPeriod)
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
