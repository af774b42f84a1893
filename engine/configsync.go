package engine

import (
	"sync"
	"time"

	"allium/crypto"
	"allium/engine/config"
	"allium/engine/store"
)

// Config sync: the account's profile, contacts, read positions and group list live in
// libsession config messages in namespaces 2–5 of our own swarm (engine/config), which
// every Session client of the account reads and writes. The engine keeps one
// config.Config per kind, saved in the profile after every change; polls merge what the
// swarm holds and apply it to the store; local changes edit the configs, and a push loop
// stores the new messages about a second later, in one sequence with the deletion of the
// messages they supersede.

// ttlConfig is how long config messages live in the swarm, and how far their expiry is
// pushed forward (desktop TTL_DEFAULT.CONFIG_MESSAGE, 30 days).
const ttlConfig = 30 * 24 * time.Hour

// configPushDelay batches changes made close together into one push.
const configPushDelay = time.Second

// configExtendEvery is how often the expiry of configs that did not change is extended.
const configExtendEvery = 24 * time.Hour

// Account record keys of config sync.
const (
	keyConfigPrefix   = "config_"        // + kind's domain: the config's dump
	keyRestorePending = "config_restore" // "1" until the first fetch of configs after a restore
	keyConfigExtended = "config_extended"
)

// configSync holds the account's configs and the conversations waiting to be written
// into them.
type configSync struct {
	mu   sync.Mutex // guards cfgs, pending, deleted and lastExtend
	cfgs map[config.Kind]*config.Config
	// pending and deleted are conversations changed or deleted on this device since the
	// last push; the push loop writes them into the Contacts config.
	pending    map[crypto.SessionID]bool
	deleted    map[crypto.SessionID]bool
	lastExtend time.Time
	wake       chan struct{}
	// pushMu makes pushes one at a time: the push loop's and SyncConfigs'.
	pushMu sync.Mutex
	// applyMu keeps the store and the configs in step: a merge holds it until what
	// changed is written into the store, and syncContacts, which reads the store to
	// write local changes into the config, waits for it. Without it, a conversation
	// changed here a moment before could be read between a merge and its apply, and its
	// stale fields written back over what another device had just set.
	applyMu sync.Mutex
}

func configKey(k config.Kind) string { return keyConfigPrefix + k.Domain() }

// loadConfigs reads the configs from the profile. A damaged dump starts that config
// empty: the next poll fetches it from the swarm again, so nothing is lost.
func (e *Engine) loadConfigs() *configSync {
	cs := &configSync{
		cfgs:    make(map[config.Kind]*config.Config),
		pending: make(map[crypto.SessionID]bool),
		deleted: make(map[crypto.SessionID]bool),
		wake:    make(chan struct{}, 1),
	}
	for _, k := range config.Kinds {
		c := config.New(k, e.id)
		if b, ok, err := e.st.Get(store.Account, configKey(k)); err == nil && ok {
			if l, err := config.Load(k, e.id, b); err == nil {
				c = l
			} else {
				e.log.Warn("config dump unreadable; fetching it again", "config", k.Domain())
			}
		}
		cs.cfgs[k] = c
	}
	if t := getInt(e.st, keyConfigExtended); t > 0 {
		cs.lastExtend = time.UnixMilli(t)
	}
	return cs
}

// saveConfig writes a config's dump; the caller holds cfg.mu.
func (e *Engine) saveConfig(c *config.Config) {
	if err := e.st.Put(store.Account, configKey(c.Kind()), c.Dump()); err != nil {
		e.log.Warn("save config", "config", c.Kind().Domain(), "err", err)
	}
}

// editConfig changes one config and schedules a push if it changed.
func (e *Engine) editConfig(k config.Kind, f func(d config.Dict)) {
	e.cfg.mu.Lock()
	c := e.cfg.cfgs[k]
	changed := c.Edit(f)
	if changed {
		e.saveConfig(c)
	}
	e.cfg.mu.Unlock()
	if changed {
		wake(e.cfg.wake)
	}
}

// configData returns a copy-free read of a config's data under the lock.
func (e *Engine) readConfig(k config.Kind, f func(d config.Dict)) {
	e.cfg.mu.Lock()
	defer e.cfg.mu.Unlock()
	f(e.cfg.cfgs[k].Data())
}

// noteEvent watches the engine's events for conversations that changed, to write them
// into the Contacts config. It runs on the goroutine that pushes the event, so it only
// records the ID. Changes that came from the config itself are noted too: writing them
// back changes nothing, and no flag can then make a local change made at the same
// moment go unnoticed.
func (e *Engine) noteEvent(ev Event) {
	var id crypto.SessionID
	del := false
	switch ev := ev.(type) {
	case ConversationUpdated:
		id = ev.Conversation.ID
	case RequestReceived:
		id = ev.Conversation.ID
	case ConversationDeleted:
		id, del = ev.ID, true
	default:
		return
	}
	e.cfg.mu.Lock()
	if del {
		e.cfg.deleted[id] = true
		delete(e.cfg.pending, id)
	} else {
		e.cfg.pending[id] = true
		delete(e.cfg.deleted, id)
	}
	e.cfg.mu.Unlock()
	wake(e.cfg.wake)
}

// syncContacts writes the conversations changed on this device into the Contacts config:
// a conversation that is accepted, blocked or already a contact is a contact; one that was
// deleted stops being one, and its read position goes too.
func (e *Engine) syncContacts() {
	e.cfg.applyMu.Lock()
	defer e.cfg.applyMu.Unlock()
	e.cfg.mu.Lock()
	pending, deleted := e.cfg.pending, e.cfg.deleted
	e.cfg.pending, e.cfg.deleted = make(map[crypto.SessionID]bool), make(map[crypto.SessionID]bool)
	e.cfg.mu.Unlock()
	self := e.SessionID()
	convs := make(map[crypto.SessionID]store.Conversation, len(pending))
	for id := range pending {
		if c, ok, err := e.st.Conversation(id); err == nil && ok && id != self {
			convs[id] = c
		}
	}
	if len(convs) == 0 && len(deleted) == 0 {
		return
	}
	now := e.now()
	e.editConfig(config.Contacts, func(d config.Dict) {
		for id := range deleted {
			config.DeleteContact(d, id)
		}
		for id, c := range convs {
			old, known := config.GetContact(d, id)
			if !known && !c.Approved && !c.Blocked {
				continue // a message request stays on this device until it is answered
			}
			next := old
			next.SessionID = id
			if !known {
				next.Created = now.Unix()
			}
			// store.Conversation.Name is their announced name, or the nickname we gave
			// them; the nickname itself is kept in the config only.
			if c.Name != "" && c.Name != old.Nickname {
				next.Name = c.Name
			}
			next.Approved, next.ApprovedMe, next.Blocked = c.Approved, c.ApprovedMe, c.Blocked
			// The picture they announced, or none if they removed it (SetContact drops a
			// URL without a usable key).
			next.PicURL, next.PicKey = c.AvatarURL, c.AvatarKey
			next.ExpMode, next.ExpTimer = configExpiry(c.ExpireMode), int64(c.ExpireTimer)
			config.SetContact(d, next)
		}
	})
	if len(deleted) > 0 {
		e.editConfig(config.ConvoInfoVolatile, func(d config.Dict) {
			if ones, ok := d["1"].(config.Dict); ok {
				for id := range deleted {
					delete(ones, string(id[:]))
				}
			}
		})
	}
}

// configExpiry maps the store's disappearing mode to the config's (store: 1 after read,
// 2 after send, as Content.ExpirationType; config: 1 after send, 2 after read).
func configExpiry(m uint8) int64 {
	switch m {
	case store.ExpireAfterRead:
		return config.ExpireAfterRead
	case store.ExpireAfterSend:
		return config.ExpireAfterSend
	}
	return config.ExpireNone
}

func storeExpiry(m int64) uint8 {
	switch m {
	case config.ExpireAfterRead:
		return store.ExpireAfterRead
	case config.ExpireAfterSend:
		return store.ExpireAfterSend
	}
	return store.ExpireNone
}

// withConfig adds what only the configs know: the nickname, the priority and the unread
// mark.
func (c Conversation) withConfig(e *Engine) Conversation {
	if e.cfg == nil {
		return c
	}
	e.cfg.mu.Lock()
	defer e.cfg.mu.Unlock()
	if cc, ok := config.GetContact(e.cfg.cfgs[config.Contacts].Data(), c.ID); ok {
		c.Nickname, c.Priority = cc.Nickname, cc.Priority
		if cc.Nickname != "" {
			c.Name = cc.Nickname
		}
	}
	if s, ok := config.GetReadState(e.cfg.cfgs[config.ConvoInfoVolatile].Data(), c.ID); ok {
		c.MarkedUnread = s.Unread
	}
	return c
}

// SetPriority pins (priority > 0, higher first), hides (-1) or restores (0) a
// conversation on every device of the account.
func (e *Engine) SetPriority(id crypto.SessionID, priority int64) error {
	c, ok, err := e.st.Conversation(id)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	e.editConfig(config.Contacts, func(d config.Dict) {
		cc, known := config.GetContact(d, id)
		if !known {
			cc = config.Contact{SessionID: id, Name: c.Name, Approved: c.Approved, ApprovedMe: c.ApprovedMe,
				Blocked: c.Blocked, Created: e.now().Unix()}
		}
		cc.Priority = priority
		config.SetContact(d, cc)
	})
	e.pushConversation(id)
	return nil
}

// setNickname records a nickname in the Contacts config ("" removes it).
func (e *Engine) setNickname(id crypto.SessionID, name string) {
	e.editConfig(config.Contacts, func(d config.Dict) {
		cc, known := config.GetContact(d, id)
		if !known {
			cc = config.Contact{SessionID: id, Approved: true, Created: e.now().Unix()}
		}
		cc.Nickname = name
		config.SetContact(d, cc)
	})
}

// syncProfile writes our name and picture into the UserProfile config.
func (e *Engine) syncProfile() {
	name := e.DisplayName()
	url := getString(e.st, keyAvatarURL)
	key, _, _ := e.st.Get(store.Account, keyAvatarKey)
	e.editConfig(config.UserProfile, func(d config.Dict) {
		config.SetProfileName(d, name)
		config.SetProfilePic(d, url, key)
	})
}

// markedUnread reports whether a conversation is marked unread in ConvoInfoVolatile.
func (e *Engine) markedUnread(id crypto.SessionID) bool {
	if e.cfg == nil {
		return false
	}
	e.cfg.mu.Lock()
	defer e.cfg.mu.Unlock()
	s, ok := config.GetReadState(e.cfg.cfgs[config.ConvoInfoVolatile].Data(), id)
	return ok && s.Unread
}

// syncRead records in ConvoInfoVolatile that a conversation is read up to its last
// message, which also clears its unread mark.
func (e *Engine) syncRead(id crypto.SessionID) {
	c, ok, err := e.st.Conversation(id)
	if err != nil || !ok {
		return
	}
	now := e.now()
	e.editConfig(config.ConvoInfoVolatile, func(d config.Dict) {
		if c.LastAt == 0 {
			// No message to be read up to: only a mark to clear.
			if s, ok := config.GetReadState(d, id); ok && s.Unread {
				s.Unread = false
				config.SetReadState(d, s, now)
			}
			return
		}
		config.SetReadState(d, config.ReadState{SessionID: id, LastRead: c.LastAt}, now)
	})
}

// Contact is a contact of the account, as the Contacts config has it.
type Contact struct {
	ID                            crypto.SessionID
	Name, Nickname                string
	Approved, ApprovedMe, Blocked bool
	Priority                      int64
}

// Contacts lists the account's contacts (those synced with its other devices), by
// Session ID.
func (e *Engine) Contacts() []Contact {
	var out []Contact
	e.readConfig(config.Contacts, func(d config.Dict) {
		for _, c := range config.ReadContacts(d) {
			out = append(out, Contact{ID: c.SessionID, Name: c.Name, Nickname: c.Nickname,
				Approved: c.Approved, ApprovedMe: c.ApprovedMe, Blocked: c.Blocked, Priority: c.Priority})
		}
	})
	return out
}
