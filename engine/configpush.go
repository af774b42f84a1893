package engine

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"allium/engine/config"
	"allium/engine/store"
	"allium/network"
)

// configPushLoop pushes changed configs: it waits for a change, lets others made within
// configPushDelay join it, and stores them all in one sequence. A push that fails is
// retried on the next change or poll, with a growing pause.
func (e *Engine) configPushLoop() {
	retry := time.Duration(0)
	// A change saved but not pushed before the last run ended goes now.
	e.cfg.mu.Lock()
	for _, c := range e.cfg.cfgs {
		if c.NeedsPush() {
			wake(e.cfg.wake)
		}
	}
	e.cfg.mu.Unlock()
	for {
		var timer <-chan time.Time
		if retry > 0 {
			timer = time.After(retry)
		}
		select {
		case <-e.ctx.Done():
			return
		case <-e.cfg.wake:
		case <-timer:
		}
		select {
		case <-e.ctx.Done():
			return
		case <-time.After(configPushDelay):
		}
		e.syncContacts()
		if e.pushConfigs(e.ctx, false) {
			retry = 0
		} else {
			retry = min(max(2*retry, 2*time.Second), time.Minute)
		}
	}
}

// configPush is one config's part of a push.
type configPush struct {
	kind config.Kind
	push config.Push
}

// pushConfigs stores every config that needs it, in one sequence: the new messages, then
// the deletion of the messages they supersede, then an extension to 30 days of the expiry
// of the configs that stay (desktop UserSyncJob). With extend set, the extension is sent
// even if nothing changed. It reports whether everything needed went through.
func (e *Engine) pushConfigs(ctx context.Context, extend bool) bool {
	e.cfg.pushMu.Lock()
	defer e.cfg.pushMu.Unlock()
	e.cfg.mu.Lock()
	var pushes []configPush
	var obsolete, current []string
	for _, k := range config.Kinds {
		c := e.cfg.cfgs[k]
		if k == config.ConvoInfoVolatile && c.NeedsPush() {
			// libsession prunes read positions older than 45 days before each push.
			now := e.now()
			c.Edit(func(d config.Dict) { config.PruneStale(d, now) })
		}
		if !c.NeedsPush() {
			if h := c.CurrentHash(); h != "" {
				current = append(current, h)
			}
			continue
		}
		p, err := c.Push()
		if err != nil {
			e.log.Warn("config cannot be pushed", "config", k.Domain(), "err", err)
			continue
		}
		// Two devices that merge the same messages push the same bytes, whose hash may
		// be among those the merge made obsolete: never delete what is being stored.
		h := network.MessageHash([33]byte(e.SessionID()), network.Namespace(k.Namespace()), p.Data)
		p.Obsolete = slices.DeleteFunc(p.Obsolete, func(o string) bool { return o == h })
		pushes = append(pushes, configPush{k, p})
		obsolete = append(obsolete, p.Obsolete...)
		e.saveConfig(c)
	}
	due := extend || time.Since(e.cfg.lastExtend) > configExtendEvery
	e.cfg.mu.Unlock()
	if len(pushes) == 0 && !(due && len(current) > 0) {
		return true
	}
	self := [33]byte(e.SessionID())
	sk := e.id.Ed25519PrivateKey()
	res, err := e.net.Batch(ctx, self, true, func(now time.Time) ([]network.SubRequest, error) {
		var subs []network.SubRequest
		for _, p := range pushes {
			params, err := network.NewSignedStoreParams(sk, self, network.Namespace(p.kind.Namespace()), now, ttlConfig, p.push.Data)
			if err != nil {
				return nil, err
			}
			subs = append(subs, network.SubRequest{Method: network.MethodStore, Params: params})
		}
		if len(obsolete) > 0 {
			params, err := network.NewDeleteParams(sk, self, obsolete)
			if err != nil {
				return nil, err
			}
			subs = append(subs, network.SubRequest{Method: network.MethodDelete, Params: params})
		}
		if len(current) > 0 {
			params, err := network.NewExpireParams(sk, self, current, now.Add(ttlConfig), network.ExpireExtend)
			if err != nil {
				return nil, err
			}
			subs = append(subs, network.SubRequest{Method: network.MethodExpire, Params: params})
		}
		return subs, nil
	})
	ok := err == nil
	// A sequence stops at the first failure: the deletion ran only if its result is there.
	deleted := len(obsolete) == 0 || (ok && len(res) > len(pushes) && res[len(pushes)].Code == http.StatusOK)
	e.cfg.mu.Lock()
	defer e.cfg.mu.Unlock()
	for i, p := range pushes {
		c := e.cfg.cfgs[p.kind]
		if ok && i < len(res) && res[i].Code == http.StatusOK && storeAccepted(res[i].Body) {
			c.ConfirmPushed(p.push.Seqno, network.MessageHash(self, network.Namespace(p.kind.Namespace()), p.push.Data))
		} else {
			ok = false
		}
		if !deleted {
			c.RestoreObsolete(p.push.Obsolete)
		}
		e.saveConfig(c)
	}
	ok = ok && deleted
	if ok && len(current) > 0 {
		e.cfg.lastExtend = time.Now()
		e.st.Put(store.Account, keyConfigExtended, []byte(strconv.FormatInt(e.cfg.lastExtend.UnixMilli(), 10)))
	}
	if err != nil {
		e.log.Debug("push configs", "err", err)
	}
	return ok
}

// storeAccepted reads a store's result in a sequence: some swarm member stored it.
func storeAccepted(body []byte) bool {
	var r network.StoreResponse
	if json.Unmarshal(body, &r) != nil {
		return false
	}
	if len(r.Swarm) == 0 {
		return r.Hash != ""
	}
	for _, m := range r.Swarm {
		if m.Hash != "" && !m.Failed {
			return true
		}
	}
	return false
}

// SyncConfigs pushes now what changed on this device (names, contacts, read positions)
// instead of waiting for the push loop, and reports whether it reached the swarm: for
// programs that close the engine right after a change.
func (e *Engine) SyncConfigs(ctx context.Context) error {
	e.syncContacts()
	if !e.pushConfigs(ctx, false) {
		if err := ctx.Err(); err != nil {
			return err
		}
		return ErrUnreachable
	}
	return nil
}
