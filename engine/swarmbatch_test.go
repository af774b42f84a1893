package engine

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"allium/network"
	"allium/network/client"
)

// storeOther keeps a message of a namespace other than 0; the caller holds m.mu.
func (m *memSwarm) storeOther(pubkey [33]byte, ns network.Namespace, msg client.Message) {
	if m.other[pubkey] == nil {
		m.other[pubkey] = make(map[network.Namespace][]client.Message)
	}
	if !slices.ContainsFunc(m.other[pubkey][ns], func(x client.Message) bool { return x.Hash == msg.Hash }) {
		m.other[pubkey][ns] = append(m.other[pubkey][ns], msg)
	}
}

// configCount counts an account's messages in namespace ns.
func (m *memSwarm) configCount(pubkey [33]byte, ns network.Namespace) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.other[pubkey][ns])
}

// Batch runs the stores, deletes and expiry changes of a batch or sequence, with the
// node's parsers, so that the params the engine builds are checked as a node checks them.
func (v *memView) Batch(_ context.Context, pubkey [33]byte, sequence bool, build func(now time.Time) ([]network.SubRequest, error)) ([]network.BatchResult, error) {
	if err := v.check(); err != nil {
		return nil, err
	}
	now := v.Now()
	subs, err := build(now)
	if err != nil {
		return nil, err
	}
	var out []network.BatchResult
	for _, s := range subs {
		r := v.sub(pubkey, s, now)
		out = append(out, r)
		if sequence && r.Code != http.StatusOK {
			break
		}
	}
	return out, nil
}

func (v *memView) sub(pubkey [33]byte, s network.SubRequest, now time.Time) network.BatchResult {
	ok := func(body any) network.BatchResult {
		b, _ := json.Marshal(body)
		return network.BatchResult{Code: http.StatusOK, Body: b}
	}
	v.m.mu.Lock()
	defer v.m.mu.Unlock()
	switch s.Method {
	case network.MethodStore:
		req, rerr := network.ParseStore(s.Params, now)
		if rerr != nil || req.Pubkey != pubkey {
			return network.BatchResult{Code: http.StatusBadRequest}
		}
		h := network.MessageHash(pubkey, req.Namespace, req.Data)
		v.m.stores++
		v.m.storeOther(pubkey, req.Namespace, client.Message{Hash: h, Timestamp: now.UnixMilli(), Expiry: req.Expiry, Data: slices.Clone(req.Data)})
		return ok(network.StoreResponse{Hash: h})
	case network.MethodDelete:
		req, rerr := network.ParseDelete(s.Params, now)
		if rerr != nil {
			return network.BatchResult{Code: http.StatusBadRequest}
		}
		for ns, msgs := range v.m.other[pubkey] {
			v.m.other[pubkey][ns] = slices.DeleteFunc(msgs, func(x client.Message) bool { return slices.Contains(req.Hashes, x.Hash) })
		}
		return ok(map[string]any{"swarm": map[string]any{}})
	case network.MethodExpire:
		req, rerr := network.ParseExpire(s.Params, now)
		if rerr != nil {
			return network.BatchResult{Code: http.StatusBadRequest}
		}
		for _, msgs := range v.m.other[pubkey] {
			for i := range msgs {
				if slices.Contains(req.Hashes, msgs[i].Hash) && req.Expiry > msgs[i].Expiry {
					msgs[i].Expiry = req.Expiry
				}
			}
		}
		return ok(map[string]any{"swarm": map[string]any{}})
	}
	return network.BatchResult{Code: http.StatusNotFound}
}

func networkNS(n int) network.Namespace { return network.Namespace(n) }
