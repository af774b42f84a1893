package engine

import (
	"allium/engine/config"
	"allium/engine/store"
)

// restoreConfigs runs once after an account is restored from its phrase, before the first
// normal poll (as desktop's pollOnceForOurDisplayName does before polling): it fetches
// the four configs in turn, the profile first, and applies each as it arrives, with
// RestoreProgress events. It reports whether every fetch worked; until then the restore
// is repeated (a restart resumes it).
func (e *Engine) restoreConfigs() bool {
	total := len(config.Kinds)
	e.events.push(RestoreProgress{Done: 0, Total: total})
	for i, k := range config.Kinds {
		if !e.pollConfig(e.ctx, k) {
			return false
		}
		e.events.push(RestoreProgress{Done: i + 1, Total: total, Contacts: e.contactCount()})
	}
	e.st.Put(store.Account, keyRestorePending, nil)
	e.events.push(RestoreFinished{Contacts: e.contactCount()})
	return true
}

func (e *Engine) contactCount() int {
	n := 0
	e.readConfig(config.Contacts, func(d config.Dict) { n = len(config.ReadContacts(d)) })
	return n
}

// Restoring reports whether the account still waits for its first fetch of configs
// after a restore.
func (e *Engine) Restoring() bool { return getString(e.st, keyRestorePending) != "" }

// pollConfigs fetches the four configs, and reports whether every fetch worked.
func (e *Engine) pollConfigs() bool {
	ok := true
	for _, k := range config.Kinds {
		if e.ctx.Err() != nil {
			return false
		}
		ok = e.pollConfig(e.ctx, k) && ok
	}
	return ok
}

// keyConfigSeeded marks that the profile's own state went into the configs once.
const keyConfigSeeded = "config_seeded"

// seedConfigs runs once, after the first fetch of the configs: a profile made before
// config sync (or whose account never had configs) puts its name and its accepted and
// blocked conversations into them, so that the account's other devices get them too.
// What the fetch brought is already merged, so nothing of the account's is overwritten.
func (e *Engine) seedConfigs() {
	if getString(e.st, keyConfigSeeded) != "" {
		return
	}
	named := false
	e.readConfig(config.UserProfile, func(d config.Dict) { named = config.ReadProfile(d).Name != "" })
	if !named && e.DisplayName() != "" {
		e.syncProfile()
	}
	convs, err := e.st.Conversations()
	if err != nil {
		return
	}
	e.cfg.mu.Lock()
	for _, c := range convs {
		if c.Approved || c.Blocked {
			e.cfg.pending[c.ID] = true
		}
	}
	e.cfg.mu.Unlock()
	wake(e.cfg.wake)
	e.st.Put(store.Account, keyConfigSeeded, []byte("1"))
}
