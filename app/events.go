package app

import "allium/engine"

// apply shows one engine event. It runs on the Fyne goroutine, in the order the engine
// sent the events; events of an engine that has since been replaced are ignored.
func (p *Profile) apply(eng *engine.Engine, ev engine.Event) {
	if eng != p.eng || !p.ready {
		return
	}
	s := p.sidebar
	switch ev := ev.(type) {
	case engine.MessageReceived:
		s.put(ev.Conversation)
		delete(s.typing, ev.Conversation.ID)
		if v := p.open(ev.Conversation.ID); v != nil {
			v.add(ev.Message)
			v.setConversation(ev.Conversation)
			p.markRead(ev.Conversation.ID)
		}
		p.refresh()
		if ev.Conversation.Approved && !ev.Conversation.Blocked && ev.Message.Author != p.me {
			p.notify(ev.Conversation, ev.Message)
		}
	case engine.MessageQueued:
		s.put(ev.Conversation)
		if v := p.open(ev.Conversation.ID); v != nil {
			v.add(ev.Message)
		}
	case engine.RequestReceived:
		// Requests never notify: a stranger must not be able to make the computer chime.
		s.put(ev.Conversation)
		p.refresh()
	case engine.MessageStatusChanged:
		if v := p.open(ev.Conversation); v != nil {
			v.setState(ev.Timestamp, ev.State, ev.Failure)
		}
	case engine.AttachmentsChanged:
		if v := p.open(ev.Conversation); v != nil {
			v.setAttachments(ev.Author, ev.Timestamp, ev.Attachments)
		}
	case engine.FileProgress:
		if v := p.open(ev.Conversation); v != nil {
			v.setProgress(ev)
		}
	case engine.PreviewChanged:
		if v := p.open(ev.Conversation); v != nil {
			v.setPreview(ev.Author, ev.Timestamp, ev.Preview)
		}
	case engine.MessageDeleted:
		if v := p.open(ev.Conversation); v != nil {
			if ev.Unsent {
				v.markUnsent(ev.Author, ev.Timestamp)
			} else {
				v.remove(ev.Author, ev.Timestamp)
			}
		}
	case engine.ConversationUpdated:
		s.put(ev.Conversation)
		if v := p.open(ev.Conversation.ID); v != nil {
			v.setConversation(ev.Conversation)
		}
		p.refresh()
	case engine.ConversationDeleted:
		s.remove(ev.ID)
		if p.open(ev.ID) != nil {
			p.showEmpty()
		}
		p.refresh()
	case engine.TypingChanged:
		s.setTyping(ev.Conversation, ev.Typing)
		if v := p.open(ev.Conversation); v != nil {
			v.setTyping(ev.Typing)
		}
	case engine.PathChanged:
		p.paths = ev.Paths
		if p.settings != nil {
			p.settings.paths.set(ev.Paths)
		}
	case engine.RestoreProgress:
		p.empty.restore.progress(ev)
		p.refresh()
	case engine.RestoreFinished:
		p.empty.restore.finished()
		p.refresh()
	case engine.ProfileChanged:
		p.name = ev.Name
		p.refresh()
	case engine.GroupsChanged:
		p.empty.restore.setGroups(ev.Groups)
	case engine.ConnectionChanged:
		p.conn, p.problem = ev.Status, ev.Problem
		p.status.set(ev.Status, ev.Problem)
		if p.settings != nil {
			p.settings.paths.set(p.paths)
		}
	}
}
