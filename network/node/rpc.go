package node

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"allium/network"
	"allium/network/node/spool"
)

// maxExpiryAhead is the furthest in the future an expire request may push a message.
const maxExpiryAhead = 30 * 24 * time.Hour

// handleRPCBody runs one storage RPC request ({"method", "params"}) and returns the
// status and body to answer, exactly as /storage_rpc/v1 and an onion destination do.
// The request's call (memory.go) bounds its reply; a request that came without one
// gets one for the time of this function.
func (n *Node) handleRPCBody(ctx context.Context, body []byte) (int, []byte) {
	method, params, rerr := network.ParseRPCRequest(body)
	if rerr != nil {
		return rerr.Status, []byte(rerr.Message)
	}
	if _, ok := ctx.Value(callKey{}).(*call); !ok {
		c := n.callFrom(ctx)
		defer c.res.release()
		ctx = withCall(ctx, c)
	}
	return n.dispatch(ctx, method, params, true)
}

// dispatch runs one method. Batches may not nest.
func (n *Node) dispatch(ctx context.Context, method string, params json.RawMessage, allowBatch bool) (int, []byte) {
	switch method {
	case network.MethodBatch, network.MethodSequence:
		if !allowBatch {
			return http.StatusBadRequest, []byte("invalid request: batch requests may not be nested")
		}
		return n.batch(ctx, method == network.MethodSequence, params)
	case network.MethodInfo:
		t, hf := n.miscFields()
		return n.encode(network.InfoResponse{Version: Version, Timestamp: t, T: t, HF: hf})
	case network.MethodGetSwarm, network.MethodGetSnodesForPubkey:
		req, rerr := network.ParseGetSwarm(params, n.now())
		if rerr != nil {
			return rerr.Status, []byte(rerr.Message)
		}
		reg := n.reg.Load()
		return n.encode(n.swarmResponse(reg, reg.SwarmFor(req.Pubkey)))
	case network.MethodRetrieve:
		return n.retrieve(ctx, params)
	case network.MethodGetExpiries:
		return n.getExpiries(params)
	case network.MethodOxendRequest:
		return n.oxendRequest(params)
	case network.MethodActiveNodesBin:
		return n.activeNodesBin()
	case network.MethodStore, network.MethodDelete, network.MethodDeleteAll, network.MethodDeleteBefore, network.MethodExpire, network.MethodExpireAll:
		return n.recursive(ctx, method, params)
	}
	return http.StatusBadRequest, []byte("no method " + method)
}

func (n *Node) encode(v any) (int, []byte) {
	b, err := json.Marshal(v)
	if err != nil {
		return http.StatusInternalServerError, []byte("internal error")
	}
	return http.StatusOK, b
}

// refuse answers a request whose parameters are bad (rerr), or whose account this node's
// swarm does not serve (421): the checks every request for one account's data shares.
func (n *Node) refuse(rerr *network.RPCError, pubkey [33]byte) (int, []byte, bool) {
	if rerr != nil {
		return rerr.Status, []byte(rerr.Message), true
	}
	return n.wrongSwarm(pubkey)
}

// wrongSwarm answers 421 with the swarm that does serve pubkey, unless that is ours.
func (n *Node) wrongSwarm(pubkey [33]byte) (int, []byte, bool) {
	reg := n.reg.Load()
	swarm := reg.SwarmFor(pubkey)
	if self := n.self(); self != nil && self.SwarmID == swarm {
		return 0, nil, false
	}
	_, b := n.encode(n.swarmResponse(reg, swarm))
	return http.StatusMisdirectedRequest, b, true
}

func (n *Node) swarmResponse(reg *Registry, swarm uint64) network.SwarmResponse {
	t, hf := n.miscFields()
	resp := network.SwarmResponse{Swarm: fmt.Sprintf("%x", swarm), T: t, HF: hf}
	for _, p := range reg.Members(swarm) {
		port := int(p.Addr.Port())
		resp.Snodes = append(resp.Snodes, network.SwarmNode{
			Address:       p.EdHex() + ".snode",
			PubkeyLegacy:  p.EdHex(),
			PubkeyX25519:  hexKey(p.X25519),
			PubkeyEd25519: p.EdHex(),
			Port:          itoa(int64(port)),
			PortHTTPS:     port,
			PortOMQ:       port,
			IP:            p.Addr.Addr().String(),
		})
	}
	return resp
}

// retrieve answers a retrieve within the request's reply budget and memory: it takes
// its share of both before reading from the store, and gives back what the messages
// did not use. When the budget of a batch is spent it answers no messages and more:
// true, so the client asks again; when the node's memory is spent, 503.
func (n *Node) retrieve(ctx context.Context, params json.RawMessage) (int, []byte) {
	req, rerr := network.ParseRetrieve(params, n.now())
	if status, b, stop := n.refuse(rerr, req.Pubkey); stop {
		return status, b
	}
	c := n.callFrom(ctx)
	grant := c.budget.take(req.MaxSize)
	maxCount, maxSize := req.MaxCount, grant
	if grant == 0 {
		// Only whether a message is there, to say more: true.
		maxCount, maxSize = 1, 1
	} else {
		mem := c.res.takeUpTo(int64(grant)*c.copies, int64(min(grant, minRetrieveGrant))*c.copies)
		if mem == 0 {
			c.budget.give(grant)
			return http.StatusServiceUnavailable, []byte("Server busy, try again later")
		}
		maxSize = int(mem / c.copies)
		c.budget.give(grant - maxSize)
	}
	msgs, more, err := n.spool.Retrieve(req.Pubkey, req.Namespace, req.LastHash, maxCount, maxSize)
	if err != nil {
		n.log.Error("retrieve", "err", err)
		return http.StatusInternalServerError, []byte("internal error")
	}
	if grant == 0 {
		more, msgs = len(msgs) > 0, nil
	} else {
		used := 0
		for _, m := range msgs {
			used += spool.RetrieveSize(m)
		}
		if used < maxSize {
			c.budget.give(maxSize - used)
			c.res.give(int64(maxSize-used) * c.copies)
		}
	}
	t, hf := n.miscFields()
	return http.StatusOK, appendRetrieveResponse(nil, msgs, more, t, hf)
}

// appendRetrieveResponse writes a retrieve's reply as network.RetrieveResponse would
// encode, each message's data in base64 straight into the one buffer. Hashes are
// unpadded base64 and need no escaping.
func appendRetrieveResponse(b []byte, msgs []spool.Message, more bool, t int64, hf [2]int) []byte {
	size := 64
	for _, m := range msgs {
		size += spool.RetrieveSize(m) + 32
	}
	if b == nil {
		b = make([]byte, 0, size)
	}
	b = append(b, `{"messages":[`...)
	for i, m := range msgs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"hash":"`...)
		b = append(b, m.Hash...)
		b = append(b, `","timestamp":`...)
		b = strconv.AppendInt(b, m.Timestamp, 10)
		b = append(b, `,"expiration":`...)
		b = strconv.AppendInt(b, m.Expiry, 10)
		b = append(b, `,"data":"`...)
		b = base64.StdEncoding.AppendEncode(b, m.Data)
		b = append(b, `"}`...)
	}
	b = append(b, `],"more":`...)
	b = strconv.AppendBool(b, more)
	b = append(b, `,"t":`...)
	b = strconv.AppendInt(b, t, 10)
	b = append(b, `,"hf":[`...)
	b = strconv.AppendInt(b, int64(hf[0]), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(hf[1]), 10)
	return append(b, "]}"...)
}

func (n *Node) getExpiries(params json.RawMessage) (int, []byte) {
	req, rerr := network.ParseGetExpiries(params, n.now())
	if status, b, stop := n.refuse(rerr, req.Pubkey); stop {
		return status, b
	}
	exp, err := n.spool.Expiries(req.Pubkey, req.Hashes)
	if err != nil {
		return http.StatusInternalServerError, []byte("internal error")
	}
	t, hf := n.miscFields()
	return n.encode(map[string]any{"expiries": exp, "t": t, "hf": hf})
}

func (n *Node) oxendRequest(params json.RawMessage) (int, []byte) {
	var req struct {
		Endpoint string `json:"endpoint"`
	}
	if err := json.Unmarshal(params, &req); err != nil || (req.Endpoint != "get_service_nodes" && req.Endpoint != "get_n_service_nodes") {
		return http.StatusBadRequest, []byte("invalid request: unsupported oxend endpoint")
	}
	t, hf := n.miscFields()
	return n.encode(map[string]any{"result": map[string]any{"service_node_states": n.seedNodes(), "height": 0, "status": "OK"}, "t": t, "hf": hf})
}

func (n *Node) activeNodesBin() (int, []byte) {
	reg := n.reg.Load()
	recs := make([]network.NodeRecord, len(reg.Peers))
	for i, p := range reg.Peers {
		recs[i] = network.NodeRecord{Ed25519: p.Ed25519, SwarmID: p.SwarmID, IP: p.Addr.Addr(),
			HTTPSPort: p.Addr.Port(), QUICPort: p.Addr.Port(), Version: [3]byte{byte(Version[0]), byte(Version[1]), byte(Version[2])}}
	}
	return http.StatusOK, network.AppendActiveNodesBin(nil, recs)
}

// batch runs up to 20 subrequests: in parallel for batch, in order for sequence (which
// stops after the first failure).
func (n *Node) batch(ctx context.Context, sequence bool, params json.RawMessage) (int, []byte) {
	subs, rerr := network.ParseBatch(params)
	if rerr != nil {
		return rerr.Status, []byte(rerr.Message)
	}
	// The subrequests share the request's call, and so one reply budget.
	results := make([]network.BatchResult, 0, len(subs))
	if sequence {
		for _, s := range subs {
			status, body := n.dispatch(ctx, s.Method, s.Params, false)
			results = append(results, batchResult(status, body))
			if status < 200 || status > 299 {
				break
			}
		}
	} else {
		results = results[:len(subs)]
		var wg sync.WaitGroup
		for i, s := range subs {
			wg.Go(func() {
				status, body := n.dispatch(ctx, s.Method, s.Params, false)
				results[i] = batchResult(status, body)
			})
		}
		wg.Wait()
	}
	return http.StatusOK, appendBatchResponse(results)
}

// batchResult embeds a JSON body as is, and a text body (an error) as a JSON string.
func batchResult(status int, body []byte) network.BatchResult {
	if !json.Valid(body) {
		body, _ = json.Marshal(string(body))
	}
	return network.BatchResult{Code: status, Body: body}
}

// appendBatchResponse writes network.BatchResponse into one buffer: the bodies are
// valid JSON already (batchResult), so they are copied once, not re-encoded.
func appendBatchResponse(results []network.BatchResult) []byte {
	size := 16
	for _, r := range results {
		size += len(r.Body) + 24
	}
	b := make([]byte, 0, size)
	b = append(b, `{"results":[`...)
	for i, r := range results {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"code":`...)
		b = strconv.AppendInt(b, int64(r.Code), 10)
		b = append(b, `,"body":`...)
		b = append(b, r.Body...)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// recursive runs a request that changes a swarm's data: here first, then on every other
// member, and answers with each member's signed result under "swarm".
func (n *Node) recursive(ctx context.Context, method string, params json.RawMessage) (int, []byte) {
	status, own := n.execLocal(method, params)
	if status != http.StatusOK {
		return status, own
	}
	self := n.self()
	members := n.reg.Load().Members(self.SwarmID)
	results := make(map[string]json.RawMessage, len(members))
	results[self.EdHex()] = own
	fwd, _ := json.Marshal(replicated{Method: method, Params: params})

	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range members {
		if p.Ed25519 == self.Ed25519 {
			continue
		}
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, replicateTimeout)
			defer cancel()
			st, b, err := n.callPeer(cctx, p, replicatePath, fwd)
			var r json.RawMessage
			switch {
			case err != nil && cctx.Err() != nil:
				r = json.RawMessage(`{"failed":true,"timeout":true}`)
			case err != nil:
				r = json.RawMessage(`{"failed":true,"query_failure":true}`)
			case st != http.StatusOK || !json.Valid(b):
				r, _ = json.Marshal(map[string]any{"failed": true, "code": st, "reason": string(b)})
			default:
				r = b
			}
			mu.Lock()
			results[p.EdHex()] = r
			mu.Unlock()
		})
	}
	wg.Wait()

	t, hf := n.miscFields()
	resp := map[string]any{"swarm": results, "t": t, "hf": hf}
	if method == network.MethodStore {
		var r network.StoreResult
		json.Unmarshal(own, &r)
		resp["hash"] = r.Hash
	}
	return n.encode(resp)
}

// execLocal validates a data-changing request and applies it to this node's store,
// returning this node's signed result. It serves both the node a client called and the
// swarm peers it forwards to.
func (n *Node) execLocal(method string, params json.RawMessage) (int, []byte) {
	now := n.now()
	internal := func(err error) (int, []byte) {
		n.log.Error(method, "err", err)
		return http.StatusInternalServerError, []byte("internal error")
	}

	switch method {
	case network.MethodStore:
		req, rerr := network.ParseStore(params, now)
		if status, b, stop := n.refuse(rerr, req.Pubkey); stop {
			return status, b
		}
		hash := network.MessageHash(req.Pubkey, req.Namespace, req.Data)
		inserted, err := n.spool.Put(spool.Message{Pubkey: req.Pubkey, Namespace: req.Namespace, Hash: hash,
			Timestamp: req.Timestamp, Expiry: req.Expiry, Data: req.Data})
		if err != nil {
			return internal(err)
		}
		return n.encode(network.StoreResult{Hash: hash, Signature: n.sign(network.StoreResponseSigMessage(hash)),
			Expiry: req.Expiry, Already: !inserted})

	case network.MethodDelete:
		req, rerr := network.ParseDelete(params, now)
		if status, b, stop := n.refuse(rerr, req.Pubkey); stop {
			return status, b
		}
		deleted, err := n.spool.Delete(req.Pubkey, req.Hashes)
		if err != nil {
			return internal(err)
		}
		if req.Required && len(deleted) == 0 {
			return http.StatusNotFound, []byte("no messages found")
		}
		slices.Sort(deleted)
		return n.deleted(network.AffectedHashes{Hashes: nonNil(deleted)}, network.DeleteResponseSigMessage(hex.EncodeToString(req.Pubkey[:]), req.Hashes, deleted))

	case network.MethodDeleteAll:
		req, rerr := network.ParseDeleteAll(params, now)
		if status, b, stop := n.refuse(rerr, req.Pubkey); stop {
			return status, b
		}
		deleted, err := n.spool.DeleteAll(req.Pubkey, req.Namespace)
		if err != nil {
			return internal(err)
		}
		a := affectedHashes(deleted, req.Namespace)
		return n.deleted(a, network.DeleteAllResponseSigMessage(hex.EncodeToString(req.Pubkey[:]), req.Timestamp, a.Sorted()))

	case network.MethodDeleteBefore:
		req, rerr := network.ParseDeleteBefore(params, now)
		if status, b, stop := n.refuse(rerr, req.Pubkey); stop {
			return status, b
		}
		deleted, err := n.spool.DeleteBefore(req.Pubkey, req.Namespace, req.Before)
		if err != nil {
			return internal(err)
		}
		a := affectedHashes(deleted, req.Namespace)
		return n.deleted(a, network.DeleteBeforeResponseSigMessage(hex.EncodeToString(req.Pubkey[:]), req.Before, a.Sorted()))

	case network.MethodExpire:
		req, rerr := network.ParseExpire(params, now)
		if status, b, stop := n.refuse(rerr, req.Pubkey); stop {
			return status, b
		}
		expiry := min(req.Expiry, now.Add(maxExpiryAhead).UnixMilli())
		updated, unchanged, err := n.spool.Expire(req.Pubkey, req.Hashes, expiry, req.Mode)
		if err != nil {
			return internal(err)
		}
		if unchanged == nil {
			unchanged = map[string]int64{}
		}
		pk := hex.EncodeToString(req.Pubkey[:])
		return n.encode(network.ExpireResult{Updated: nonNil(updated), Unchanged: unchanged, Expiry: expiry,
			Signature: n.sign(network.ExpireResponseSigMessage(pk, expiry, req.Hashes, updated, unchanged))})

	case network.MethodExpireAll:
		req, rerr := network.ParseExpireAll(params, now)
		if status, b, stop := n.refuse(rerr, req.Pubkey); stop {
			return status, b
		}
		updated, err := n.spool.ExpireAll(req.Pubkey, req.Namespace, req.Expiry)
		if err != nil {
			return internal(err)
		}
		a := affectedHashes(updated, req.Namespace)
		pk := hex.EncodeToString(req.Pubkey[:])
		return n.encode(map[string]any{"updated": a, "expiry": req.Expiry,
			"signature": n.sign(network.ExpireAllResponseSigMessage(pk, req.Expiry, a.Sorted()))})
	}
	return http.StatusBadRequest, []byte("no method " + method)
}

// sign signs a response message with the node's key, base64 as responses carry it.
func (n *Node) sign(msg []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(n.id.Ed25519, msg))
}

// deleted answers a delete, delete_all or delete_before with what this node deleted and
// its signature over msg.
func (n *Node) deleted(a network.AffectedHashes, msg []byte) (int, []byte) {
	return n.encode(network.DeleteResult{Deleted: a, Signature: n.sign(msg)})
}

// affectedHashes is what a swarm member reports it changed, as the storage server does:
// one sorted list for one namespace; for all namespaces, a sorted list per namespace
// that had any.
func affectedHashes(changed []spool.Affected, ns network.NamespaceOrAll) network.AffectedHashes {
	if !ns.All() {
		a := network.AffectedHashes{Hashes: nonNil(spool.Hashes(changed))}
		slices.Sort(a.Hashes)
		return a
	}
	a := network.AffectedHashes{ByNamespace: map[network.Namespace][]string{}}
	for _, c := range changed {
		a.ByNamespace[c.Namespace] = append(a.ByNamespace[c.Namespace], c.Hash)
	}
	for _, hashes := range a.ByNamespace {
		slices.Sort(hashes)
	}
	return a
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
