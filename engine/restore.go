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

// pollConfigs fetches the four configs.
func (e *Engine) pollConfigs() {
	for _, k := range config.Kinds {
		if e.ctx.Err() != nil {
			return
		}
		e.pollConfig(e.ctx, k)
	}
}
