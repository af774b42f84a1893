package engine

import (
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"time"

	"allium/network"
)

// pollLoop fetches new messages from our swarm: every PollActive while the user is
// active, every PollIdle otherwise, and at once when asked.
func (e *Engine) pollLoop() {
	for {
		more := e.pollOnce()
		wait := e.opts.PollIdle
		if e.active.Load() {
			wait = e.opts.PollActive
		}
		if more {
			wait = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-e.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-e.pollWake:
			t.Stop()
		}
	}
}

// pollOnce retrieves what our swarm holds after the last message we saw from the node
// asked (cursors are per node), and processes it. It reports whether the node has more.
func (e *Engine) pollOnce() bool {
	self := [33]byte(e.SessionID())
	var prefer [32]byte
	if s := e.pool.swarmFor(self); len(s) > 0 {
		// Keep asking the same node while it works: its cursor is then current.
		prefer = e.pollNode
		found := false
		for _, n := range s {
			found = found || n.Ed25519 == prefer
		}
		if !found {
			prefer = s[rand.IntN(len(s))].Ed25519
		}
	}
	status, body, dest, err := e.request(e.ctx, self, prefer, "retrieve", func(now time.Time, dest Node) ([]byte, error) {
		last, err := e.st.Cursor(dest.Ed25519, 0)
		if err != nil {
			return nil, err
		}
		return network.NewRetrieveParams(e.id.Ed25519PrivateKey(), self, network.DefaultNamespace, last, now)
	})
	if err != nil || status != http.StatusOK {
		if err == nil {
			e.log.Debug("retrieve", "status", status)
		}
		return false
	}
	e.pollNode = dest.Ed25519
	var r network.RetrieveResponse
	if err := json.Unmarshal(body, &r); err != nil {
		e.log.Debug("retrieve: unreadable response")
		return false
	}
	var hashes []string
	var maxExpiry int64
	for _, m := range r.Messages {
		if !network.ValidHash(m.Hash) {
			continue
		}
		if seen, _ := e.st.SeenHash(m.Hash); !seen {
			data, err := base64.StdEncoding.DecodeString(m.Data)
			if err != nil {
				e.dropped.Add(1)
			} else {
				e.receive(data)
			}
		}
		hashes = append(hashes, m.Hash)
		maxExpiry = max(maxExpiry, m.Expiration)
	}
	if len(hashes) > 0 {
		// Remember the hashes until the swarm forgets them: a node that loses our cursor
		// sends everything again, and we must not show it twice.
		e.st.MarkHashes(hashes, max(maxExpiry, e.now().Add(ttlContent).UnixMilli()))
		e.st.SetCursor(dest.Ed25519, 0, hashes[len(hashes)-1])
	}
	return r.More
}
