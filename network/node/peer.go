package node

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"allium/network"
	"allium/network/node/spool"
)

// Paths of the calls nodes make to each other. Clients never use them.
const (
	replicatePath = "/allium/v1/replicate"
	syncPath      = "/allium/v1/sync"
)

// Headers that authenticate a node-to-node call: who calls, when, and an Ed25519
// signature over the path, the time and the body's SHA-256.
const (
	hdrNode      = "X-Allium-Node"
	hdrTimestamp = "X-Allium-Timestamp"
	hdrSignature = "X-Allium-Signature"
	// peerClockTolerance is how far a caller's clock may be from ours.
	peerClockTolerance = 70 * time.Second
	// replicateTimeout bounds one copy to one swarm peer.
	replicateTimeout = 5 * time.Second
	// syncBatch is the most messages one catch-up page holds, and syncPageBytes their
	// size as a retrieve counts it (base64 data and 100 bytes of each): a page of
	// messages of the largest size is about ten of them, and its JSON stays far under
	// maxBody, the most a caller reads. The peer that answers bounds the page, whatever
	// the caller asks.
	syncBatch     = 500
	syncPageBytes = 1 << 20
	// syncMaxBackoff is the longest a node waits before asking a peer again after
	// failed catch-ups; the wait doubles from SyncInterval with each failure.
	syncMaxBackoff = 5 * time.Minute
)

// peerClient makes HTTPS calls to other nodes over kept-alive connections. Node
// certificates are self-signed, as Session's storage servers' are; the calls are
// authenticated by signature and onion traffic by its own encryption.
func peerClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: true},
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        512,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second,
		ForceAttemptHTTP2:   false,
	}}
}

func peerSigMessage(path string, ts int64, body []byte) []byte {
	sum := sha256.Sum256(body)
	m := make([]byte, 0, len("allium-node-call")+len(path)+24+len(sum))
	m = append(m, "allium-node-call"...)
	m = append(m, 0)
	m = append(m, path...)
	m = append(m, 0)
	m = strconv.AppendInt(m, ts, 10)
	m = append(m, 0)
	return append(m, sum[:]...)
}

// callPeer POSTs a signed call to another node and returns its status and body.
func (n *Node) callPeer(ctx context.Context, p *Peer, path string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+p.Addr.String()+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	ts := n.now().UnixMilli()
	pub := n.id.PublicKey()
	req.Header.Set(hdrNode, hex.EncodeToString(pub[:]))
	req.Header.Set(hdrTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(hdrSignature, base64.StdEncoding.EncodeToString(ed25519.Sign(n.id.Ed25519, peerSigMessage(path, ts, body))))
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err == nil && len(b) > maxBody {
		// Cut JSON would fail to parse anyway; say why.
		return 0, nil, errPeerReplyTooLarge
	}
	return resp.StatusCode, b, err
}

var errPeerReplyTooLarge = errors.New("node: a swarm peer's reply is over the size limit")

// authPeer checks a node-to-node call: the caller is in the registry, in our swarm, its
// clock agrees with ours and it signed this very body.
func (n *Node) authPeer(r *http.Request, body []byte) (*Peer, error) {
	key, err := parseKey(r.Header.Get(hdrNode))
	if err != nil {
		return nil, errors.New("unknown node")
	}
	reg := n.reg.Load()
	p, ok := reg.Lookup(key)
	self := n.self()
	if !ok || self == nil || p.SwarmID != self.SwarmID || p.Ed25519 == self.Ed25519 {
		return nil, errors.New("not a member of this swarm")
	}
	ts, err := strconv.ParseInt(r.Header.Get(hdrTimestamp), 10, 64)
	if err != nil {
		return nil, errors.New("bad timestamp")
	}
	if d := n.now().Sub(time.UnixMilli(ts)); d > peerClockTolerance || d < -peerClockTolerance {
		return nil, errors.New("clock out of sync")
	}
	sig, err := base64.StdEncoding.DecodeString(r.Header.Get(hdrSignature))
	if err != nil || !ed25519.Verify(p.Ed25519[:], peerSigMessage(r.URL.Path, ts, body), sig) {
		return nil, errors.New("bad signature")
	}
	return p, nil
}

// replicated is the body of a replicate call: a client request the caller accepted, to
// be executed here too.
type replicated struct {
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

func (n *Node) handleReplicate(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	if _, err := n.authPeer(r, body); err != nil {
		http.Error(w, "Forbidden: "+err.Error(), http.StatusForbidden)
		return
	}
	var req replicated
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, "invalid replicate request", http.StatusBadRequest)
		return
	}
	status, resp := n.execLocal(req.Method, req.Params)
	writeRPC(w, status, resp)
}

// syncRequest asks a peer for its messages stored after a sequence number: at most
// Limit of them, and at most MaxBytes of them as a retrieve counts size (0: the
// peer's page size, which also caps what is asked).
type syncRequest struct {
	After    uint64 `json:"after"`
	Limit    int    `json:"limit"`
	MaxBytes int    `json:"max_bytes,omitempty"`
}

type syncMessage struct {
	Pubkey    string `json:"pubkey"`
	Namespace int16  `json:"namespace"`
	Hash      string `json:"hash"`
	Timestamp int64  `json:"timestamp"`
	Expiry    int64  `json:"expiry"`
	Data      []byte `json:"data"`
	Seq       uint64 `json:"seq"`
}

type syncResponse struct {
	Messages []syncMessage `json:"messages"`
	// Next is the cursor for the following call.
	Next uint64 `json:"next"`
}

func (n *Node) handleSync(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	if _, err := n.authPeer(r, body); err != nil {
		http.Error(w, "Forbidden: "+err.Error(), http.StatusForbidden)
		return
	}
	var req syncRequest
	if err := json.Unmarshal(body, &req); err != nil || req.Limit <= 0 || req.Limit > syncBatch {
		http.Error(w, "invalid sync request", http.StatusBadRequest)
		return
	}
	pageBytes := syncPageBytes
	if req.MaxBytes > 0 {
		pageBytes = min(req.MaxBytes, syncPageBytes)
	}
	msgs, err := n.spool.Since(req.After, req.Limit, pageBytes)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	reg, self := n.reg.Load(), n.self()
	resp := syncResponse{Next: req.After, Messages: make([]syncMessage, 0, len(msgs))}
	for _, m := range msgs {
		resp.Next = m.Seq
		// Only accounts of our (and so the caller's) swarm: after a registry change we
		// may still hold others' messages.
		if reg.SwarmFor(m.Pubkey) != self.SwarmID {
			continue
		}
		resp.Messages = append(resp.Messages, syncMessage{
			Pubkey: hex.EncodeToString(m.Pubkey[:]), Namespace: int16(m.Namespace), Hash: m.Hash,
			Timestamp: m.Timestamp, Expiry: m.Expiry, Data: m.Data, Seq: m.Seq,
		})
	}
	writeJSON(w, http.StatusOK, resp)
}

// syncLoop catches up from every swarm peer at start and then periodically, so a member
// that was down, or is new, gets every message its peers accepted meanwhile.
func (n *Node) syncLoop() {
	t := time.NewTicker(n.cfg.SyncInterval)
	defer t.Stop()
	for {
		n.syncOnce(n.ctx)
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// syncOnce pulls from each swarm peer everything it stored since the last pull. A peer
// whose catch-up failed is asked again after a wait that doubles with each failure, and
// the failure is logged at warn, without naming the peer or any account, so that an
// operator sees that catch-up is failing.
func (n *Node) syncOnce(ctx context.Context) {
	self := n.self()
	if self == nil {
		return
	}
	now := n.now()
	for _, p := range n.reg.Load().Members(self.SwarmID) {
		if p.Ed25519 == self.Ed25519 {
			continue
		}
		n.syncMu.Lock()
		b := n.backoff[p.Ed25519]
		n.syncMu.Unlock()
		if now.Before(b.next) {
			continue
		}
		err := n.syncFrom(ctx, p)
		if ctx.Err() != nil {
			return
		}
		n.syncMu.Lock()
		if err == nil {
			delete(n.backoff, p.Ed25519)
		} else {
			b.failures++
			wait := min(syncMaxBackoff, n.cfg.SyncInterval<<min(b.failures-1, 16))
			b.next = now.Add(wait)
			n.backoff[p.Ed25519] = b
		}
		n.syncMu.Unlock()
		if err != nil {
			// A transport error names the peer's address; the log says only what failed.
			n.log.Warn("catch-up from a swarm peer failed", "failures", b.failures, "retry_in", b.next.Sub(now).Round(time.Second), "err", failureKind(err))
			n.log.Debug("catch-up failed", "peer", p.EdHex(), "err", err)
		}
	}
}

// syncBackoff is when a peer whose catch-up failed is asked again.
type syncBackoff struct {
	failures int
	next     time.Time
}

// syncFrom pulls pages from p until it has everything, resuming from the last page it
// stored: the cursor moves only once a page is in the store.
func (n *Node) syncFrom(ctx context.Context, p *Peer) error {
	for {
		n.syncMu.Lock()
		after := n.cursors[p.Ed25519]
		n.syncMu.Unlock()
		body, _ := json.Marshal(syncRequest{After: after, Limit: syncBatch, MaxBytes: syncPageBytes})
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		status, b, err := n.callPeer(cctx, p, syncPath, body)
		cancel()
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return fmt.Errorf("node: catch-up: status %d", status)
		}
		batch, next, err := parseSyncResponse(b)
		if err != nil {
			return err
		}
		if len(batch) > 0 {
			if _, err := n.spool.PutBatch(batch); err != nil {
				return err
			}
		}
		if next <= after {
			return nil
		}
		n.syncMu.Lock()
		n.cursors[p.Ed25519] = next
		n.syncMu.Unlock()
	}
}

// parseSyncResponse reads a peer's catch-up page: its messages, each checked, and the
// cursor for the next page.
func parseSyncResponse(b []byte) ([]spool.Message, uint64, error) {
	var resp syncResponse
	if err := json.Unmarshal(b, &resp); err != nil {
		return nil, 0, fmt.Errorf("node: catch-up: %w", err)
	}
	batch := make([]spool.Message, 0, len(resp.Messages))
	for _, m := range resp.Messages {
		sm, err := m.toStore()
		if err != nil {
			return nil, 0, err
		}
		batch = append(batch, sm)
	}
	return batch, resp.Next, nil
}

// toStore checks a message a peer sent: its hash must be the hash of its contents, so a
// peer cannot file data under another message's name.
func (m syncMessage) toStore() (spool.Message, error) {
	var pk [33]byte
	if b, err := hex.DecodeString(m.Pubkey); err != nil || len(b) != 33 {
		return spool.Message{}, errors.New("node: catch-up: bad pubkey")
	} else {
		copy(pk[:], b)
	}
	ns := network.Namespace(m.Namespace)
	if network.MessageHash(pk, ns, m.Data) != m.Hash {
		return spool.Message{}, errors.New("node: catch-up: hash does not match data")
	}
	return spool.Message{Pubkey: pk, Namespace: ns, Hash: m.Hash, Timestamp: m.Timestamp, Expiry: m.Expiry, Data: m.Data}, nil
}

// pruneLoop deletes expired messages and forgets idle rate-limit buckets.
func (n *Node) pruneLoop() {
	t := time.NewTicker(n.cfg.PruneInterval)
	defer t.Stop()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
		now := n.now()
		if k, err := n.spool.PruneExpired(now.UnixMilli()); err != nil {
			n.log.Warn("prune expired messages", "err", err)
		} else if k > 0 {
			n.log.Debug("pruned expired messages", "count", k)
		}
		n.limiter.Forget(now)
	}
}

// failureKind says what kind of failure err is, without the addresses a transport error
// carries.
func failureKind(err error) string {
	var ne net.Error
	var ue *url.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed"
	case errors.As(err, &ue):
		return "transport error"
	}
	return err.Error()
}
