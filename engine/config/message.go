package config

import (
	"bytes"
	"crypto/ed25519"
	"fmt"

	"golang.org/x/crypto/blake2b"
)

// Lag is libsession's config_lags() / DEFAULT_DIFF_LAGS: a message carries the diffs of
// the messages up to 5 seqnos before it, and messages 5 or more behind the newest are
// ignored in a merge.
const Lag = 5

// Hash is a config message's identity: the unkeyed BLAKE2b-256 of its serialization.
type Hash [32]byte

// seqHash orders messages by seqno, then hash, as libsession's seqno_hash_t pair does.
type seqHash struct {
	seqno int64
	hash  Hash
}

func (a seqHash) cmp(b seqHash) int {
	switch {
	case a.seqno < b.seqno:
		return -1
	case a.seqno > b.seqno:
		return 1
	}
	return bytes.Compare(a.hash[:], b.hash[:])
}

type laggedDiff struct {
	id   seqHash
	diff Dict
}

// Message is one config message (libsession ConfigMessage / MutableConfigMessage). A
// mutable message is a local edit in progress: its diff is computed from orig, the data
// it started from, whenever it is serialized.
type Message struct {
	id      seqHash
	data    Dict
	lagged  []laggedDiff // sorted by id, all within the lag window
	diff    Dict
	unknown Dict   // top-level keys Allium does not know, written back unchanged
	sig     []byte // a verified (or trusted) signature, for signed configs
	mutable bool
	orig    Dict
}

// Seqno is the message's sequence number.
func (m *Message) Seqno() int64 { return m.id.seqno }

// Data is the message's data. Edits go through Config.Edit, never here.
func (m *Message) Data() Dict { return m.data }

// Signer and verifier are set only for signed configs (groups'); user configs have none.
type (
	signFunc   func(msg []byte) []byte
	verifyFunc func(msg, sig []byte) bool
)

// VerifyWith returns a verifier for signatures by pub.
func VerifyWith(pub ed25519.PublicKey) func(msg, sig []byte) bool {
	return func(msg, sig []byte) bool { return ed25519.Verify(pub, msg, sig) }
}

// ParseMessage parses one serialized config message (libsession ConfigMessage's
// constructor from bytes). verify, if not nil, must accept the "~" signature.
func ParseMessage(b []byte, verify func(msg, sig []byte) bool) (*Message, error) {
	v, err := Decode(b)
	if err != nil {
		return nil, err
	}
	top, ok := v.(Dict)
	if !ok {
		return nil, fmt.Errorf("%w: not a dict", ErrParse)
	}
	keys := sortedKeys(top)
	// libsession reads "#" first: a key before it (a major-version break) fails the parse.
	if len(keys) == 0 || keys[0] != "#" {
		return nil, fmt.Errorf("%w: first key must be \"#\"", ErrParse)
	}
	seqno, ok := top["#"].(int64)
	if !ok {
		return nil, fmt.Errorf("%w: seqno is not an integer", ErrParse)
	}
	m := &Message{id: seqHash{seqno: seqno, hash: blake2b.Sum256(b)}, unknown: Dict{}, diff: Dict{}}
	data, ok := top["&"].(Dict)
	if !ok {
		return nil, fmt.Errorf("%w: \"&\" data dict not found", ErrParse)
	}
	if err := parseData(data, true); err != nil {
		return nil, err
	}
	m.data = data
	if l, ok := top["<"]; ok {
		lags, ok := l.(List)
		if !ok {
			return nil, fmt.Errorf("%w: lagged diffs are not a list", ErrParse)
		}
		if m.lagged, err = parseLagged(lags, seqno); err != nil {
			return nil, err
		}
	}
	if d, ok := top["="]; ok {
		diff, ok := d.(Dict)
		if !ok {
			return nil, fmt.Errorf("%w: diff is not a dict", ErrParse)
		}
		if err := checkDiff(diff, 0); err != nil {
			return nil, err
		}
		m.diff = diff
	}
	for _, k := range keys {
		switch k {
		case "#", "&", "<", "=", "~":
			continue
		}
		if k > "~" {
			return nil, fmt.Errorf("%w: key after \"~\"", ErrParse)
		}
		m.unknown[k] = top[k]
	}
	if s, ok := top["~"]; ok {
		sig, ok := s.(string)
		if !ok || len(sig) != ed25519.SignatureSize {
			return nil, fmt.Errorf("%w: signature is not 64 bytes", ErrSignature)
		}
		// The signature covers the encoded dict up to "1:~64:" (libsession
		// verify_config_sig, oxenc consume_signature); "~" sorts last, so that prefix
		// is everything but the last 6+64+1 bytes.
		signed := b[:len(b)-len("1:~64:")-ed25519.SignatureSize-1]
		if verify != nil && !verify(signed, []byte(sig)) {
			return nil, ErrSignature
		}
		m.sig = []byte(sig)
	} else if verify != nil {
		return nil, fmt.Errorf("%w: missing", ErrSignature)
	}
	return m, nil
}

// parseLagged is libsession parse_lagged_diffs: [seqno, hash32, diff] rows strictly
// ascending, every seqno below the message's; rows Lag or more behind are dropped.
func parseLagged(rows List, seqno int64) ([]laggedDiff, error) {
	var out []laggedDiff
	var prev *seqHash
	for _, r := range rows {
		row, ok := r.(List)
		if !ok || len(row) != 3 {
			return nil, fmt.Errorf("%w: lagged diff is not [seqno, hash, diff]", ErrParse)
		}
		s, ok := row[0].(int64)
		if !ok {
			return nil, fmt.Errorf("%w: lagged seqno is not an integer", ErrParse)
		}
		if s >= seqno {
			return nil, fmt.Errorf("%w: lagged seqno not below the message's", ErrParse)
		}
		h, ok := row[1].(string)
		if !ok || len(h) != 32 {
			return nil, fmt.Errorf("%w: lagged hash must be 32 bytes", ErrParse)
		}
		diff, ok := row[2].(Dict)
		if !ok {
			return nil, fmt.Errorf("%w: lagged diff is not a dict", ErrParse)
		}
		if err := checkDiff(diff, 0); err != nil {
			return nil, err
		}
		id := seqHash{seqno: s, hash: Hash([]byte(h))}
		// libsession checks the order only of rows it keeps; rows too old are skipped
		// before the check.
		if s <= seqno-Lag {
			continue
		}
		if prev != nil && id.cmp(*prev) <= 0 {
			return nil, fmt.Errorf("%w: lagged diffs unsorted or duplicated", ErrParse)
		}
		prev = &id
		out = append(out, laggedDiff{id: id, diff: diff})
	}
	return out, nil
}

// currentDiff is the message's "=": for a mutable message, what changed since orig.
func (m *Message) currentDiff() Dict {
	if !m.mutable {
		return m.diff
	}
	prune(m.data)
	m.sig = nil
	if d := diffData(m.orig, m.data); d != nil {
		m.diff = d
	} else {
		m.diff = Dict{}
	}
	return m.diff
}

// Serialize is libsession serialize_impl: "#", "&", "<" (window-limited), "=", unknown
// keys in their byte-order places, and "~" last when signed.
func (m *Message) Serialize(sign func([]byte) []byte) []byte {
	return m.serialize(m.currentDiff(), sign)
}

func (m *Message) serialize(diff Dict, sign func([]byte) []byte) []byte {
	top := make(Dict, len(m.unknown)+4)
	for k, v := range m.unknown {
		top[k] = v
	}
	top["#"] = m.id.seqno
	top["&"] = m.data
	lags := List{}
	for _, l := range m.lagged {
		if l.id.seqno <= m.id.seqno-Lag || l.id.seqno >= m.id.seqno {
			continue
		}
		lags = append(lags, List{l.id.seqno, string(l.id.hash[:]), l.diff})
	}
	top["<"] = lags
	top["="] = diff
	out := Encode(top)
	var sig []byte
	switch {
	case m.sig != nil:
		sig = m.sig
	case sign != nil:
		// The signature covers the dict up to its "~" key: everything but the final "e".
		sig = sign(out[: len(out)-1 : len(out)-1])
		if len(sig) != ed25519.SignatureSize {
			panic("config: signer did not return 64 bytes")
		}
		m.sig = sig
	default:
		return out
	}
	out = append(out[:len(out)-1], "1:~64:"...)
	out = append(out, sig...)
	return append(out, 'e')
}

// Hash returns the message's hash, recomputed for a mutable message.
func (m *Message) Hash() Hash {
	if m.mutable {
		m.id.hash = blake2b.Sum256(m.Serialize(nil))
	}
	return m.id.hash
}

// Increment returns the next mutable message (libsession increment_impl): seqno+1, the
// lagged diffs that stay in the window plus this message's own diff, and no diff of its own.
func (m *Message) Increment() *Message {
	h := m.Hash()
	diff := m.currentDiff()
	n := &Message{
		id:      seqHash{seqno: m.id.seqno + 1},
		data:    copyDict(m.data),
		unknown: m.unknown,
		diff:    Dict{},
		mutable: true,
	}
	for _, l := range m.lagged {
		if l.id.seqno > n.id.seqno-Lag && l.id.seqno < m.id.seqno {
			n.lagged = append(n.lagged, l)
		}
	}
	n.lagged = append(n.lagged, laggedDiff{id: seqHash{seqno: m.id.seqno, hash: h}, diff: diff})
	n.orig = copyDict(n.data)
	return n
}

// NewMessage returns an empty seqno-0 message (libsession's default ConfigMessage).
func NewMessage() *Message {
	m := &Message{data: Dict{}, diff: Dict{}, unknown: Dict{}}
	m.id.hash = blake2b.Sum256(m.Serialize(nil))
	return m
}

// newMutable returns an empty mutable message at seqno, for tests that build histories
// as libsession's do (MutableConfigMessage{seqno, lag}); its orig is empty, so its first
// diff lists everything.
func newMutable(seqno int64) *Message {
	return &Message{id: seqHash{seqno: seqno}, data: Dict{}, diff: Dict{}, unknown: Dict{}, mutable: true, orig: Dict{}}
}
