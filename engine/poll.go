package engine

import (
	"time"

	"allium/network"
)

// configPollEvery is how many polls of new messages come with one poll of the four
// config namespaces: configs change rarely, and each namespace is a request of its own,
// so polling them every time would multiply what the engine asks the network by five.
// A poll asked for (PollNow, the user coming back) fetches them too.
const configPollEvery = 3

// pollLoop fetches new messages from our swarm: every PollActive while the user is
// active, every PollIdle otherwise, and at once when asked.
func (e *Engine) pollLoop() {
	for e.Restoring() && !e.restoreConfigs() {
		if _, stopped := e.pollWait(e.opts.PollActive); stopped {
			return
		}
	}
	seeded := false
	for n, asked := 0, true; ; n++ {
		more := e.pollOnce()
		if (asked || n%configPollEvery == 0) && e.pollConfigs() && !seeded {
			// Only once the account's configs are merged: seeding first could lose to them.
			e.seedConfigs()
			seeded = true
		}
		wait := e.opts.PollIdle
		if e.active.Load() {
			wait = e.opts.PollActive
		}
		if more {
			wait = 0
		}
		var stopped bool
		if asked, stopped = e.pollWait(wait); stopped {
			return
		}
	}
}

// pollWait waits d, or until a poll is asked for (asked) or the engine closes (stopped).
func (e *Engine) pollWait(d time.Duration) (asked, stopped bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-e.ctx.Done():
		return false, true
	case <-t.C:
		return false, false
	case <-e.pollWake:
		return true, false
	}
}

// pollOnce retrieves what our swarm holds after the last message we saw from the node
// asked (cursors are per node), and processes it. It reports whether the node has more.
func (e *Engine) pollOnce() bool {
	self := [33]byte(e.SessionID())
	r, err := e.net.Retrieve(e.ctx, e.id.Ed25519PrivateKey(), self, network.DefaultNamespace, func(node [32]byte) (string, error) {
		return e.st.Cursor(node, 0)
	})
	if err != nil {
		e.log.Debug("retrieve", "err", err)
		return false
	}
	e.dropped.Add(int64(r.Unreadable))
	var hashes []string
	var maxExpiry int64
	for _, m := range r.Messages {
		if seen, _ := e.st.SeenHash(m.Hash); !seen {
			e.receive(m.Data)
		}
		hashes = append(hashes, m.Hash)
		maxExpiry = max(maxExpiry, m.Expiry)
	}
	if len(hashes) > 0 {
		// Remember the hashes until the swarm forgets them: a node that loses our cursor
		// sends everything again, and we must not show it twice.
		e.st.MarkHashes(hashes, max(maxExpiry, e.now().Add(ttlContent).UnixMilli()))
	}
	if r.Last != "" {
		e.st.SetCursor(r.Node, 0, r.Last)
	}
	return r.More
}
