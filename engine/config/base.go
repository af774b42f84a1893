package config

import (
	"bytes"
	"fmt"
	"slices"

	"allium/crypto"
)

// State is where a Config is in its push cycle (libsession ConfigState).
type State int

// Clean → Dirty (an edit or a merge) → Waiting (Push returned a message) → Clean
// (ConfirmPushed after the store succeeded).
const (
	Clean   State = 0
	Dirty   State = 1
	Waiting State = 2
)

// maxMessageSize is the storage server's limit for one message (libsession
// MAX_MESSAGE_SIZE).
const maxMessageSize = 76_800

// Incoming is one message a poll retrieved from the config's namespace.
type Incoming struct {
	Hash string
	Data []byte
}

// MergeReport says what Merge did with the messages it was given.
type MergeReport struct {
	// Accepted holds the hashes of the messages that were read (whether or not they changed
	// anything): the poll cursor may move past them.
	Accepted []string
	// Bad counts messages that failed to unwrap, decrypt, decompress or parse. They are
	// ignored and change nothing.
	Bad int
	// Changed is true if the config's data changed.
	Changed bool
}

// Push is a config message to store, with the hashes of the messages it supersedes, to be
// deleted in the same batch.
type Push struct {
	Seqno    int64
	Data     []byte
	Obsolete []string
}

// Config is one user config of an account (libsession ConfigBase). It is not safe for
// concurrent use; the engine serialises access.
type Config struct {
	kind      Kind
	id        *crypto.Identity
	keyBase   [32]byte
	msg       *Message
	state     State
	currHash  string
	oldHashes map[string]bool
	parts     *partStore
}

// New returns an empty config of kind for the account id.
func New(kind Kind, id *crypto.Identity) *Config {
	c := &Config{kind: kind, id: id, msg: NewMessage(), oldHashes: map[string]bool{}, parts: newPartStore()}
	// User configs are encrypted with the Ed25519 seed (libsession base.cpp load_key).
	copy(c.keyBase[:], id.Ed25519PrivateKey()[:32])
	return c
}

// Kind returns the config's kind.
func (c *Config) Kind() Kind { return c.kind }

// Seqno is the current message's seqno.
func (c *Config) Seqno() int64 { return c.msg.Seqno() }

// State returns the push state.
func (c *Config) State() State { return c.state }

// Data returns the config's data. Callers must not modify it; use Edit.
func (c *Config) Data() Dict { return c.msg.data }

// NeedsPush says whether the config has changes not yet confirmed stored.
func (c *Config) NeedsPush() bool { return c.state != Clean }

// CurrentHash is the server hash of the stored message that holds the config, if known.
func (c *Config) CurrentHash() string { return c.currHash }

func (c *Config) setState(s State) {
	if c.state == Clean && c.currHash != "" {
		c.oldHashes[c.currHash] = true
		c.currHash = ""
	}
	c.state = s
}

// dirty starts (or continues) a local edit (libsession ConfigBase::dirty).
func (c *Config) dirty() *Message {
	if c.state != Dirty {
		c.setState(Dirty)
		c.msg = c.msg.Increment()
	}
	return c.msg
}

// Edit applies f to a copy of the data and, if anything changed, makes the change the
// next message to push. It reports whether the data changed.
func (c *Config) Edit(f func(d Dict)) bool {
	before := Encode(c.msg.data)
	next := copyDict(c.msg.data)
	f(next)
	prune(next)
	if err := parseData(next, true); err != nil {
		panic("config: edit broke the data rules: " + err.Error())
	}
	if bytes.Equal(Encode(next), before) {
		return false
	}
	m := c.dirty()
	m.data = next
	return true
}

// Merge reads messages retrieved from the config's namespace and merges them with the
// current state by libsession's rules (base.cpp ConfigBase::merge and _merge). Messages
// that fail to unwrap, decrypt or parse are counted and skipped; they never change what
// the config holds.
func (c *Config) Merge(in []Incoming) MergeReport {
	var rep MergeReport
	before := Encode(c.msg.data)
	oldSeqno := c.msg.Seqno()
	var hashes []string
	var confs [][]byte
	// Our own config takes part as if it had been pushed already, so that the result is
	// the same whether or not it was (skipped for the empty seqno-0 config).
	mine := oldSeqno != 0 || c.state == Dirty
	if mine {
		hashes = append(hashes, c.currHash)
		confs = append(confs, c.msg.Serialize(nil))
	}
	for _, m := range in {
		plain, err := c.open(m.Data)
		if err != nil {
			rep.Bad++
			continue
		}
		if plain == nil {
			continue // a part of a multipart config whose other parts have not arrived
		}
		hashes = append(hashes, m.Hash)
		confs = append(confs, plain)
	}
	if len(confs) == 0 || (mine && len(confs) == 1) {
		return rep
	}
	r, err := mergeMessages(confs, nil, nil, c.state == Dirty)
	if err != nil {
		rep.Bad += len(r.bad)
		return rep
	}
	for i, h := range hashes {
		if i != r.unmerged && !r.bad[i] && h != "" {
			c.oldHashes[h] = true
		}
	}
	if r.msg.Seqno() != oldSeqno {
		switch {
		case r.unmerged == -1:
			if c.state != Dirty {
				// libsession converts the merge into a mutable message "retaining" the
				// seqno; that conversion starts from an empty original (config.cpp
				// MutableConfigMessage(ConfigMessage&&, retain_seqno_t)), so the merge is
				// pushed with a diff that lists all of its data.
				r.msg.mutable = true
				r.msg.orig = Dict{}
			}
			c.msg = r.msg
			c.setState(Dirty)
		case c.state == Dirty && r.unmerged == 0 && r.msg.Seqno() == oldSeqno+1:
			// Only our own edit survived: keep it as it is.
		default:
			c.msg = r.msg
			c.setState(Clean)
			c.currHash = hashes[r.unmerged]
		}
	}
	start := 0
	if mine {
		start = 1
	}
	for i := start; i < len(hashes); i++ {
		if !r.bad[i] {
			rep.Accepted = append(rep.Accepted, hashes[i])
		} else {
			rep.Bad++
		}
	}
	// A hash we adopted is current, not obsolete.
	delete(c.oldHashes, c.currHash)
	rep.Changed = !bytes.Equal(Encode(c.msg.data), before)
	return rep
}

// open turns one stored message into a config message's bytes: unwrap the protobuf (twice,
// since one client release wrapped twice), decrypt, strip the leading zero padding, join
// multipart configs and decompress (base.cpp _merge). It returns nil, nil for a part of a
// multipart config that is not complete yet.
func (c *Config) open(data []byte) ([]byte, error) {
	if u, err := unwrap(c.id, data, int(c.kind)); err == nil {
		data = u
		if u2, err := unwrap(c.id, data, int(c.kind)); err == nil {
			data = u2
		}
	}
	plain, err := crypto.DecryptConfig(&c.keyBase, c.kind.Domain(), data)
	if err != nil {
		return nil, err
	}
	plain = bytes.TrimLeft(plain, "\x00")
	if len(plain) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrParse)
	}
	if plain[0] == 'm' {
		whole, err := c.parts.add(plain[1:])
		if err != nil || whole == nil {
			return nil, err
		}
		plain = bytes.TrimLeft(whole, "\x00")
		if len(plain) == 0 {
			return nil, fmt.Errorf("%w: empty", ErrParse)
		}
	}
	if plain[0] == 'z' {
		if plain, err = decompress(plain[1:]); err != nil || len(plain) == 0 {
			return nil, fmt.Errorf("%w: decompression failed", ErrParse)
		}
	}
	if plain[0] != 'd' {
		return nil, fmt.Errorf("%w: unsupported config type", ErrParse)
	}
	return plain, nil
}

// Push returns the message to store for the current config and the hashes it makes
// obsolete (libsession base.cpp push): compressed if that is shorter, padded with leading
// zeros, encrypted, and wrapped in the protobuf old clients expect. The config then waits
// for ConfirmPushed.
func (c *Config) Push() (Push, error) {
	seqno := c.msg.Seqno()
	msg := compressMessage(c.msg.Serialize(nil))
	padded := make([]byte, crypto.ConfigPaddedSize(len(msg), crypto.ConfigOverhead)-len(msg), crypto.ConfigPaddedSize(len(msg), crypto.ConfigOverhead))
	padded = append(padded, msg...)
	enc, err := crypto.EncryptConfig(&c.keyBase, c.kind.Domain(), padded)
	if err != nil {
		return Push{}, err
	}
	wrapped, err := wrap(c.id, enc, seqno, int(c.kind))
	if err != nil {
		return Push{}, err
	}
	if len(wrapped) > maxMessageSize {
		// Newer libsession wraps only what still fits, and every reader takes an
		// unwrapped config too (config-sync.md §2.2); Allium does not split configs.
		if len(enc) > maxMessageSize {
			return Push{}, ErrTooLarge
		}
		wrapped = enc
	}
	if c.state == Dirty {
		c.setState(Waiting)
	}
	p := Push{Seqno: seqno, Data: wrapped}
	for h := range c.oldHashes {
		p.Obsolete = append(p.Obsolete, h)
	}
	slices.Sort(p.Obsolete)
	clear(c.oldHashes)
	return p, nil
}

// ConfirmPushed records that the message of seqno was stored with hash. A confirmation
// for an older seqno (the config changed again meanwhile) is ignored.
func (c *Config) ConfirmPushed(seqno int64, hash string) {
	if c.state == Waiting && seqno == c.msg.Seqno() {
		c.setState(Clean)
		c.currHash = hash
		// A poll may have fetched the message before this confirmation and listed it as
		// superseded; it is the current one.
		delete(c.oldHashes, hash)
	}
}

// RestoreObsolete gives back hashes a failed push did not delete, so the next push does.
func (c *Config) RestoreObsolete(hashes []string) {
	for _, h := range hashes {
		if h != c.currHash {
			c.oldHashes[h] = true
		}
	}
}
