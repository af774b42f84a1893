package store

import (
	"sort"
	"sync"

	bolt "go.etcd.io/bbolt"

	"allium/crypto"
)

// refCache keeps, for the few conversations read most recently, their message keys sorted
// newest first (keys.go: on disk they are in no useful order). A conversation's first page
// costs one scan of its keys; the pages above it, and reopening it, cost a binary search.
//
// It is kept correct by bbolt's transaction IDs: a write transaction that changes a
// conversation's messages records its ID in lastMod before it commits, and an entry built
// by a read transaction at ID b serves a read transaction at ID r only if b ≤ r and no
// change of that conversation has an ID above b. Writes to other buckets (poll cursors,
// hashes) do not touch it.
type refCache struct {
	mu      sync.Mutex
	entries map[crypto.SessionID]refEntry
	lastMod map[crypto.SessionID]uint64
}

type refEntry struct {
	builtAt uint64
	refs    []msgRef // newest first
}

// maxCachedConversations bounds the cache: a 100,000-message conversation takes 4 MB.
const maxCachedConversations = 8

// sortedRefs returns conv's message keys, newest first, as the read transaction tx sees
// them. The slice is shared: do not change it.
func (s *Store) sortedRefs(tx *bolt.Tx, conv crypto.SessionID) []msgRef {
	r := uint64(tx.ID())
	c := &s.cache
	c.mu.Lock()
	e, ok := c.entries[conv]
	valid := ok && e.builtAt <= r && c.lastMod[conv] <= e.builtAt
	c.mu.Unlock()
	if valid {
		return e.refs
	}
	refs := s.seal.convRefs(tx.Bucket(bucketMessages), conv)
	newestFirst(refs)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lastMod[conv] <= r {
		if c.entries == nil {
			c.entries = make(map[crypto.SessionID]refEntry)
		}
		if _, ok := c.entries[conv]; !ok && len(c.entries) >= maxCachedConversations {
			for k := range c.entries {
				delete(c.entries, k)
				break
			}
		}
		c.entries[conv] = refEntry{builtAt: r, refs: refs}
	}
	return refs
}

// modified records, before a write transaction with ID id commits, that it changes the
// messages of convs.
func (c *refCache) modified(convs map[crypto.SessionID]bool, id uint64) {
	if len(convs) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lastMod == nil {
		c.lastMod = make(map[crypto.SessionID]uint64)
	}
	for conv := range convs {
		c.lastMod[conv] = id
		delete(c.entries, conv)
	}
}

// page picks from refs (newest first) the newest limit sent before before (0: any), with
// the rest of the last timestamp's messages; see Messages.
func page(refs []msgRef, before int64, limit int) []msgRef {
	i := 0
	if before > 0 {
		i = sort.Search(len(refs), func(j int) bool { return refs[j].ts < before })
	}
	refs = refs[i:]
	if limit > 0 && len(refs) > limit {
		n := limit
		for n < len(refs) && refs[n].ts == refs[limit-1].ts {
			n++
		}
		refs = refs[:n]
	}
	return refs
}
