package client

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"allium/network"
)

// attempts bounds how often one request is tried on other paths and nodes.
const attempts = 4

// call is one storage RPC for an account's swarm. params is called for each attempt, so
// that timestamps and signatures use the network time of that attempt and the node
// chosen. prefer names a swarm node to ask if it can be.
type call struct {
	pubkey [33]byte
	prefer [32]byte
	method string
	params func(now time.Time, dest Node) ([]byte, error)
}

// do sends a storage RPC to a node of the account's swarm through an onion path and
// returns the body of its 200 answer and the node that gave it. It handles what the
// storage server may answer (PROTOCOL §3.12, §5.7): a failing path or node is struck and
// the request retried on another; 421 replaces the swarm; 406 and 425 (clock) resync the
// network time and retry once, then fail with ErrClockWrong; 500 and 503 strike the node;
// any other non-200 is a *StatusError.
func (c *Client) do(ctx context.Context, k call) ([]byte, Node, error) {
	var lastErr error = ErrUnreachable
	clockRetried, answered := false, false
	for range attempts {
		if err := ctx.Err(); err != nil {
			return nil, Node{}, err
		}
		if err := c.ensurePaths(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, Node{}, ctx.Err() // the caller gave up: that says nothing of the network
			}
			c.setOffline(err)
			return nil, Node{}, fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		swarm := c.pool.swarmFor(k.pubkey)
		pa, dest, ok := c.pool.route(swarm, k.prefer)
		if !ok {
			c.pool.dropPaths() // every path overlaps the swarm: build fresh ones
			lastErr = fmt.Errorf("%w: no route to the swarm (%w)", ErrUnreachable, errSwarm)
			continue
		}
		p, err := k.params(c.Now(), dest)
		if err != nil {
			return nil, Node{}, err
		}
		rctx, cancel := c.requestContext(ctx, c.attemptTimeout)
		status, body, err := c.tr.onion(rctx, pa.nodes, dest, k.method, p)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil && c.ctx.Err() == nil {
			// This attempt's own time ran out: the guard took the request and no
			// answer came back through the path.
			err = &pathError{body: "no answer in time", timeout: true}
		}
		var pe *pathError
		switch {
		case errors.As(err, &pe) && pe.timeout:
			lastErr = fmt.Errorf("%w: %v (%w)", ErrUnreachable, pe, errTimeout)
			c.strikeForPathError(pa, dest.Ed25519, pe)
			continue
		case errors.As(err, &pe):
			lastErr = fmt.Errorf("%w: %v (%w)", ErrUnreachable, pe, errPath)
			c.strikeForPathError(pa, dest.Ed25519, pe)
			continue
		case err != nil:
			if c.ctx.Err() != nil && ctx.Err() == nil {
				return nil, Node{}, fmt.Errorf("%w: closed", ErrUnreachable)
			}
			if proxyFault(err) {
				c.setOffline(err)
			}
			return nil, Node{}, err
		}
		answered = true
		c.setStatus(Online)
		switch status {
		case http.StatusOK:
			return body, dest, nil
		case http.StatusMisdirectedRequest:
			c.pool.setSwarm(k.pubkey, body)
			lastErr = fmt.Errorf("%w: the swarm moved (%w)", ErrUnreachable, errSwarm)
			continue
		case http.StatusNotAcceptable, http.StatusTooEarly:
			if clockRetried {
				c.setStatus(ClockWrong)
				return nil, dest, ErrClockWrong
			}
			clockRetried = true
			c.resyncClock(ctx, swarm)
			continue
		case http.StatusServiceUnavailable, http.StatusInternalServerError:
			c.pool.strikeNode(dest.Ed25519, false)
			lastErr = fmt.Errorf("%w: node answered %d (%w)", ErrUnreachable, status, errSwarm)
			continue
		}
		return nil, dest, &StatusError{Method: k.method, Status: status, Body: string(body)}
	}
	if !answered {
		// No attempt got an answer: the network is not getting through.
		c.setOffline(lastErr)
	}
	return nil, Node{}, lastErr
}

// strikeForPathError counts a path failure: against the node a relay named ("Next node
// not found" drops it at once, "unreachable" counts a strike), and against the path too
// unless the node named is the destination.
func (c *Client) strikeForPathError(pa *path, dest [32]byte, pe *pathError) {
	if ed, gone, ok := nextNode(pe.body); ok {
		c.pool.strikeNode(ed, gone)
		if ed == dest {
			return
		}
	}
	c.pool.strikePath(pa)
	c.pathsChanged()
}

// sampleTime records the node time "t" a storage response carries.
func (c *Client) sampleTime(t int64) {
	if t > 0 {
		c.pool.sampleClock(t, c.opts.Clock())
	}
}

// decode reads a 200 answer's JSON into v and samples the node time it carries.
func (c *Client) decode(method string, body []byte, v any, t *int64) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("client: %s: unreadable answer: %w", method, err)
	}
	c.sampleTime(*t)
	return nil
}

// resyncClock asks a node for its time (info carries "t") after a clock complaint.
func (c *Client) resyncClock(ctx context.Context, swarm []Node) {
	pa, dest, ok := c.pool.route(swarm, [32]byte{})
	if !ok {
		return
	}
	rctx, cancel := c.requestContext(ctx, 15*time.Second)
	defer cancel()
	status, body, err := c.tr.onion(rctx, pa.nodes, dest, network.MethodInfo, []byte(`{}`))
	if err != nil || status != http.StatusOK {
		return
	}
	var r network.InfoResponse
	if json.Unmarshal(body, &r) == nil {
		c.sampleTime(r.T)
	}
}

// SyncClock learns the network time from a node of pubkey's swarm, if no node has told
// it yet, so that the first message is stamped with network time rather than with this
// computer's clock.
func (c *Client) SyncClock(ctx context.Context, pubkey [33]byte) error {
	if c.ClockKnown() {
		return nil
	}
	body, _, err := c.do(ctx, call{pubkey: pubkey, method: network.MethodInfo, params: func(time.Time, Node) ([]byte, error) {
		return []byte(`{}`), nil
	}})
	if err != nil {
		return err
	}
	var r network.InfoResponse
	if err := c.decode(network.MethodInfo, body, &r, &r.T); err != nil {
		return err
	}
	if !c.ClockKnown() {
		return fmt.Errorf("%w: no node time", ErrUnreachable)
	}
	return nil
}

// Store stores data in pubkey's swarm, in namespace ns, until expiry (network time; at
// least network.MinTTL and at most the namespace's longest TTL from now, so that a
// message stamped by a clock that was ahead is still accepted). Namespaces that need a signature (all but the
// public inbox) take the account's Ed25519 key sk; for the others sk is nil. It returns
// the message hash once at least one swarm member stored it (ErrNotStored otherwise).
// Storing the same bytes again yields the same hash: the swarm keeps one copy.
func (c *Client) Store(ctx context.Context, sk ed25519.PrivateKey, pubkey [33]byte, ns network.Namespace, data []byte, expiry time.Time) (string, error) {
	body, _, err := c.do(ctx, call{pubkey: pubkey, method: network.MethodStore, params: func(now time.Time, _ Node) ([]byte, error) {
		longest := network.MaxOwnerTTL
		if ns.PublicInbox() {
			longest = network.MaxPublicTTL
		}
		ttl := min(max(expiry.Sub(now), network.MinTTL), longest)
		if sk == nil {
			return network.NewStoreParams(pubkey, ns, now, ttl, data)
		}
		return network.NewSignedStoreParams(sk, pubkey, ns, now, ttl, data)
	}})
	if err != nil {
		return "", err
	}
	var r network.StoreResponse
	if err := c.decode(network.MethodStore, body, &r, &r.T); err != nil {
		return "", err
	}
	return storedHash(r)
}

// storedHash is the hash of a stored message: from the first swarm member that stored
// it, or, from a node that answers for itself alone, its own. ErrNotStored if none did.
func storedHash(r network.StoreResponse) (string, error) {
	for _, m := range r.Swarm {
		if m.Hash != "" && !m.Failed {
			return m.Hash, nil
		}
	}
	if r.Hash != "" && len(r.Swarm) == 0 {
		return r.Hash, nil
	}
	return "", ErrNotStored
}

// Message is a message a swarm holds.
type Message struct {
	Hash string
	// Timestamp is when it was stored and Expiry when the swarm forgets it (Unix ms).
	Timestamp, Expiry int64
	Data              []byte
}

// Retrieved is one page of a swarm's messages.
type Retrieved struct {
	// Node is the swarm member that answered: cursors are per node.
	Node [32]byte
	// Messages are the messages after the cursor, oldest first.
	Messages []Message
	// Last is the hash of the page's last message, the cursor for the next page; empty
	// when the page is empty.
	Last string
	// More says the node holds more after Last.
	More bool
	// Unreadable counts messages of the page whose hash or data was not well formed.
	Unreadable int
}

// Retrieve fetches the messages of pubkey's namespace ns that a node of its swarm holds
// after the cursor for that node (cursor is called with the node chosen; it returns ""
// for all). It keeps asking the same node while that node works, so that its cursor stays
// current. sk signs the request; namespaces that need no signature take nil.
func (c *Client) Retrieve(ctx context.Context, sk ed25519.PrivateKey, pubkey [33]byte, ns network.Namespace, cursor func(node [32]byte) (string, error)) (Retrieved, error) {
	key := stickyKey{pubkey, int32(ns)}
	body, dest, err := c.do(ctx, call{pubkey: pubkey, prefer: c.stickyNode(key), method: network.MethodRetrieve, params: func(now time.Time, dest Node) ([]byte, error) {
		last, err := cursor(dest.Ed25519)
		if err != nil {
			return nil, err
		}
		return network.NewRetrieveParams(sk, pubkey, ns, last, now)
	}})
	if err != nil {
		return Retrieved{}, err
	}
	var r network.RetrieveResponse
	if err := c.decode(network.MethodRetrieve, body, &r, &r.T); err != nil {
		return Retrieved{}, err
	}
	c.stickyMu.Lock()
	c.sticky[key] = dest.Ed25519
	c.stickyMu.Unlock()
	out := retrieved(r)
	out.Node = dest.Ed25519
	return out, nil
}

// retrieved reads a page of messages from a node's answer: messages whose hash or data
// is not well formed are counted, not returned, and the cursor moves past them.
func retrieved(r network.RetrieveResponse) Retrieved {
	out := Retrieved{More: r.More, Messages: make([]Message, 0, len(r.Messages))}
	for _, m := range r.Messages {
		if !network.ValidHash(m.Hash) {
			out.Unreadable++
			continue
		}
		out.Last = m.Hash
		data, err := base64.StdEncoding.DecodeString(m.Data)
		if err != nil {
			out.Unreadable++
			continue
		}
		out.Messages = append(out.Messages, Message{Hash: m.Hash, Timestamp: m.Timestamp, Expiry: m.Expiration, Data: data})
	}
	return out
}

// stickyNode is the node to ask for an account's namespace: the one asked last while it
// is still in the swarm, else a member at random.
func (c *Client) stickyNode(key stickyKey) [32]byte {
	swarm := c.pool.swarmFor(key.pubkey)
	if len(swarm) == 0 {
		return [32]byte{}
	}
	c.stickyMu.Lock()
	prefer := c.sticky[key]
	c.stickyMu.Unlock()
	for _, n := range swarm {
		if n.Ed25519 == prefer {
			return prefer
		}
	}
	return swarm[rand.IntN(len(swarm))].Ed25519
}

// Delete deletes messages of pubkey's swarm by hash.
func (c *Client) Delete(ctx context.Context, sk ed25519.PrivateKey, pubkey [33]byte, hashes []string) (network.DeleteResponse, error) {
	var r network.DeleteResponse
	body, _, err := c.do(ctx, call{pubkey: pubkey, method: network.MethodDelete, params: func(time.Time, Node) ([]byte, error) {
		return network.NewDeleteParams(sk, pubkey, hashes)
	}})
	if err == nil {
		err = c.decode(network.MethodDelete, body, &r, &r.T)
	}
	return r, err
}

// Expire changes when messages of pubkey's swarm expire (mode: shorten, extend or both).
func (c *Client) Expire(ctx context.Context, sk ed25519.PrivateKey, pubkey [33]byte, hashes []string, expiry time.Time, mode network.ExpireMode) (network.ExpireResponse, error) {
	var r network.ExpireResponse
	body, _, err := c.do(ctx, call{pubkey: pubkey, method: network.MethodExpire, params: func(time.Time, Node) ([]byte, error) {
		return network.NewExpireParams(sk, pubkey, hashes, expiry, mode)
	}})
	if err == nil {
		err = c.decode(network.MethodExpire, body, &r, &r.T)
	}
	return r, err
}

// Swarm asks a node for the members of pubkey's swarm and uses them for its requests
// from then on.
func (c *Client) Swarm(ctx context.Context, pubkey [33]byte) ([]Node, error) {
	body, _, err := c.do(ctx, call{pubkey: pubkey, method: network.MethodGetSwarm, params: func(time.Time, Node) ([]byte, error) {
		return network.NewGetSwarmParams(pubkey)
	}})
	if err != nil {
		return nil, err
	}
	var r network.SwarmResponse
	if err := c.decode(network.MethodGetSwarm, body, &r, &r.T); err != nil {
		return nil, err
	}
	nodes := c.pool.setSwarmNodes(pubkey, r)
	if len(nodes) == 0 {
		return nil, fmt.Errorf("client: get_swarm: no known node in the answer")
	}
	return nodes, nil
}

// Batch sends several requests for pubkey's swarm to one node in one onion request and
// returns one result per request, in order. With sequence, the node stops at the first
// that fails (later results are then absent). build makes the requests for each attempt's
// network time.
func (c *Client) Batch(ctx context.Context, pubkey [33]byte, sequence bool, build func(now time.Time) ([]network.SubRequest, error)) ([]network.BatchResult, error) {
	method := network.MethodBatch
	if sequence {
		method = network.MethodSequence
	}
	body, _, err := c.do(ctx, call{pubkey: pubkey, method: method, params: func(now time.Time, _ Node) ([]byte, error) {
		subs, err := build(now)
		if err != nil {
			return nil, err
		}
		return network.NewBatchParams(subs)
	}})
	if err != nil {
		return nil, err
	}
	var r network.BatchResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("client: %s: unreadable answer: %w", method, err)
	}
	for _, res := range r.Results {
		var t struct {
			T int64 `json:"t"`
		}
		if res.Code == http.StatusOK && json.Unmarshal(res.Body, &t) == nil {
			c.sampleTime(t.T)
			break
		}
	}
	return r.Results, nil
}

// nodeKey reads a hex Ed25519 key.
func nodeKey(s string) ([32]byte, bool) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return [32]byte{}, false
	}
	return [32]byte(b), true
}
