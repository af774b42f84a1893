package engine

import (
	"context"

	"allium/crypto"
	"allium/engine/config"
	"allium/engine/store"
	"allium/network"
)

// pollConfig fetches what namespace k of our swarm holds after the cursor, merges it into
// the config and applies the result. It reports whether the fetch worked.
func (e *Engine) pollConfig(ctx context.Context, k config.Kind) bool {
	self := [33]byte(e.SessionID())
	ns := k.Namespace()
	var in []config.Incoming
	var node [32]byte
	var last string
	for {
		r, err := e.net.Retrieve(ctx, e.id.Ed25519PrivateKey(), self, network.Namespace(ns), func(n [32]byte) (string, error) {
			if n == node && last != "" {
				return last, nil
			}
			return e.st.Cursor(n, int16(ns))
		})
		if err != nil {
			e.log.Debug("retrieve config", "config", k.Domain(), "err", err)
			return false
		}
		for _, m := range r.Messages {
			in = append(in, config.Incoming{Hash: m.Hash, Data: m.Data})
		}
		node = r.Node
		if r.Last != "" {
			last = r.Last
		}
		if !r.More {
			break
		}
	}
	if len(in) > 0 {
		e.mergeConfig(k, in)
	}
	if last != "" {
		e.st.SetCursor(node, int16(ns), last)
	}
	return true
}

// mergeConfig merges retrieved messages into config k and applies what changed. Messages
// that do not open or parse are ignored (and counted, without anything that identifies
// them): they never change what the profile holds.
func (e *Engine) mergeConfig(k config.Kind, in []config.Incoming) {
	if k == config.Contacts {
		// Local changes go into the config first, so that the merge keeps them.
		e.syncContacts()
	}
	e.cfg.applyMu.Lock()
	defer e.cfg.applyMu.Unlock()
	e.cfg.mu.Lock()
	c := e.cfg.cfgs[k]
	before := config.Encode(c.Data())
	beforeData, _ := config.Decode(before)
	rep := c.Merge(in)
	e.saveConfig(c)
	changed := rep.Changed
	needsPush := c.NeedsPush()
	e.cfg.mu.Unlock()
	if rep.Bad > 0 {
		e.log.Info("ignored config messages that could not be read", "config", k.Domain(), "count", rep.Bad)
	}
	if changed {
		e.applyConfig(k, beforeData.(config.Dict))
	}
	if needsPush {
		wake(e.cfg.wake)
	}
}

// applyConfig brings the store in line with config k after a merge changed it; before
// is the data before the merge, to tell contacts deleted elsewhere from ones never synced.
func (e *Engine) applyConfig(k config.Kind, before config.Dict) {
	e.cfg.mu.Lock()
	data := config.Dict{}
	if d, err := config.Decode(config.Encode(e.cfg.cfgs[k].Data())); err == nil {
		data = d.(config.Dict)
	}
	e.cfg.mu.Unlock()
	switch k {
	case config.UserProfile:
		e.applyProfile(data)
	case config.Contacts:
		e.applyContacts(before, data)
	case config.ConvoInfoVolatile:
		e.applyReadStates(before, data)
	case config.UserGroups:
		e.events.push(GroupsChanged{Groups: groupsOf(config.ListGroups(data))})
	}
}

func (e *Engine) applyProfile(d config.Dict) {
	p := config.ReadProfile(d)
	changed := false
	if p.Name != "" && p.Name != e.DisplayName() && CheckName(p.Name) == nil {
		e.st.Put(store.Account, keyName, []byte(p.Name))
		changed = true
	}
	if p.PicURL != "" && p.PicURL != getString(e.st, keyAvatarURL) {
		// The picture itself stays on the other device's upload; we announce the same
		// URL and key, so contacts see it, and show it once it is fetched.
		old := getString(e.st, keyAvatarPath)
		e.st.Put(store.Account, keyAvatarURL, []byte(p.PicURL))
		e.st.Put(store.Account, keyAvatarKey, p.PicKey)
		e.st.Put(store.Account, keyAvatarPath, nil)
		e.removeFiles([]store.Attachment{{Path: old}})
		e.queueDownload(download{conv: e.SessionID(), avatar: true})
		changed = true
	} else if p.PicURL == "" && getString(e.st, keyAvatarURL) != "" && d["p"] == nil {
		old := getString(e.st, keyAvatarPath)
		for _, key := range []string{keyAvatarURL, keyAvatarKey, keyAvatarPath} {
			e.st.Put(store.Account, key, nil)
		}
		e.removeFiles([]store.Attachment{{Path: old}})
		changed = true
	}
	if changed {
		e.events.push(ProfileChanged{Name: e.DisplayName()})
	}
}

func (e *Engine) applyContacts(before, after config.Dict) {
	old := map[crypto.SessionID]config.Contact{}
	for _, c := range config.ReadContacts(before) {
		old[c.SessionID] = c
	}
	e.contactsOnScreen(config.ReadContacts(after), old)
	for _, c := range config.ReadContacts(after) {
		delete(old, c.SessionID)
	}
	for id := range old {
		// Deleted on another device: the conversation goes here too.
		if _, ok, _ := e.st.Conversation(id); ok {
			if e.st.DeleteConversation(id) == nil {
				e.events.push(ConversationDeleted{ID: id})
			}
		}
	}
}

// contactsOnScreen writes the contacts of the config into the store, so that accepted
// contacts are conversations (not requests) with their names, and returns how many. Only
// the fields that changed since old (the config before the merge) are written, so that a
// change made on this device and not yet in the config is not undone.
func (e *Engine) contactsOnScreen(cs []config.Contact, old map[crypto.SessionID]config.Contact) int {
	self := e.SessionID()
	n := 0
	for _, cc := range cs {
		if cc.SessionID == self || crypto.Prefix(cc.SessionID[0]) != crypto.PrefixStandard {
			continue
		}
		was, known := old[cc.SessionID]
		if _, exists, _ := e.st.Conversation(cc.SessionID); !exists && !cc.Approved && !cc.Blocked {
			// A contact entry for a request answered nowhere yet: its messages, if any are
			// still in the swarm, bring the request.
			continue
		}
		var fetch bool
		var oldPic string
		c, err := e.st.UpdateConversation(cc.SessionID, func(c *store.Conversation) {
			if !known || was.Approved != cc.Approved {
				c.Approved = cc.Approved
			}
			if !known || was.ApprovedMe != cc.ApprovedMe {
				c.ApprovedMe = cc.ApprovedMe
			}
			if !known || was.Blocked != cc.Blocked {
				c.Blocked = cc.Blocked
			}
			switch {
			case cc.Nickname != "" && CheckName(cc.Nickname) == nil:
				c.Name = cc.Nickname
			case cc.Name != "" && CheckName(cc.Name) == nil && (c.Name == "" || (known && was.Nickname != "" && c.Name == was.Nickname)):
				c.Name = announcedName(cc.Name)
			}
			if cc.PicURL != c.AvatarURL && (!known || was.PicURL != cc.PicURL) {
				oldPic = c.AvatarPath
				c.AvatarURL, c.AvatarKey, c.AvatarPath = cc.PicURL, cc.PicKey, ""
				fetch = cc.Approved && cc.PicURL != ""
			}
			if !known || was.ExpMode != cc.ExpMode || was.ExpTimer != cc.ExpTimer {
				c.ExpireMode, c.ExpireTimer = storeExpiry(cc.ExpMode), uint32(cc.ExpTimer)
			}
		})
		if err != nil {
			continue
		}
		e.removeFiles([]store.Attachment{{Path: oldPic}})
		n++
		e.events.push(ConversationUpdated{Conversation: e.conversationOf(c)})
		if fetch {
			e.queueDownload(download{conv: cc.SessionID, avatar: true})
		}
	}
	return n
}

// applyReadStates marks as read what another device read, and shows the unread marks
// another device set or cleared; before is the config before the merge.
func (e *Engine) applyReadStates(before, d config.Dict) {
	for _, s := range config.ReadStates(d) {
		c, ok, err := e.st.Conversation(s.SessionID)
		if err != nil || !ok {
			continue
		}
		was, _ := config.GetReadState(before, s.SessionID)
		changed := was.Unread != s.Unread
		if s.LastRead > 0 && c.Unread > 0 {
			if read, err := e.st.MarkRead(s.SessionID, s.LastRead); err == nil && len(read) > 0 {
				changed = true
			}
		}
		if changed {
			e.pushConversation(s.SessionID)
		}
	}
}

func groupsOf(gs []config.GroupEntry) []Group {
	out := make([]Group, len(gs))
	for i, g := range gs {
		out[i] = Group{Kind: g.Kind, ID: g.ID, Name: g.Name}
	}
	return out
}

// Groups lists the groups and communities of the account's group list. Allium keeps
// them (and their settings) for the Session apps of the account, but cannot take part
// in them yet.
func (e *Engine) Groups() []Group {
	var out []Group
	e.readConfig(config.UserGroups, func(d config.Dict) { out = groupsOf(config.ListGroups(d)) })
	return out
}
