package config

import (
	"fmt"
	"slices"

	"allium/crypto"
)

// Dump serializes the config's local state for the profile's database, in libsession's
// dump layout (base.cpp make_dump): "!" state, "$" the current message, "(" its server
// hash, ")" the hashes still to delete.
func (c *Config) Dump() []byte {
	old := List{}
	keys := make([]string, 0, len(c.oldHashes))
	for h := range c.oldHashes {
		keys = append(keys, h)
	}
	slices.Sort(keys)
	for _, h := range keys {
		old = append(old, h)
	}
	return Encode(Dict{
		"!": int64(c.state),
		"$": string(c.msg.Serialize(nil)),
		"(": c.currHash,
		")": old,
	})
}

// Load restores a config from Dump's bytes. A dirty config comes back as a fresh edit
// with the next seqno, as libsession reloads one: the edit may or may not have reached
// the swarm before the program stopped, and a new seqno is right either way.
func Load(kind Kind, id *crypto.Identity, dump []byte) (*Config, error) {
	c := New(kind, id)
	v, err := Decode(dump)
	if err != nil {
		return nil, err
	}
	d, ok := v.(Dict)
	state, ok1 := d["!"].(int64)
	data, ok2 := d["$"].(string)
	if !ok || !ok1 || !ok2 || state < int64(Clean) || state > int64(Waiting) {
		return nil, fmt.Errorf("%w: bad config dump", ErrParse)
	}
	m, err := ParseMessage([]byte(data), nil)
	if err != nil {
		return nil, err
	}
	c.state = State(state)
	if c.state == Dirty {
		m = m.Increment()
	}
	c.msg = m
	c.currHash, _ = d["("].(string)
	old, _ := d[")"].(List)
	for _, h := range old {
		if s, ok := h.(string); ok {
			c.oldHashes[s] = true
		}
	}
	return c, nil
}
