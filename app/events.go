package app

import "allium/engine"

// apply shows one engine event. It runs on the Fyne goroutine, in the order the engine
// sent the events; events of an engine that has since been replaced are ignored.
func (p *Profile) apply(eng *engine.Engine, ev engine.Event) {
	if eng != p.eng || !p.ready {
		return
	}
	switch ev := ev.(type) {
	case engine.MessageReceived:
		p.putConv(ev.Conversation)
		delete(p.typing, ev.Conversation.ID)
		if p.conv != nil && p.conv.id == ev.Conversation.ID {
			p.conv.add(ev.Message)
			p.conv.setConversation(ev.Conversation)
			p.markRead(ev.Conversation.ID)
		}
		p.refreshList()
		if ev.Conversation.Approved && !ev.Conversation.Blocked && ev.Message.Author != p.me {
			p.notify(ev.Conversation, ev.Message)
		}
	case engine.RequestReceived:
		// Requests never notify: a stranger must not be able to make the computer chime.
		p.putConv(ev.Conversation)
		p.refreshList()
	case engine.MessageStatusChanged:
		if p.conv != nil && p.conv.id == ev.Conversation {
			p.conv.setState(ev.Timestamp, ev.State, ev.Error)
		}
	case engine.MessageDeleted:
		if p.conv != nil && p.conv.id == ev.Conversation {
			p.conv.remove(ev.Author, ev.Timestamp)
		}
	case engine.ConversationUpdated:
		p.putConv(ev.Conversation)
		if p.conv != nil && p.conv.id == ev.Conversation.ID {
			p.conv.setConversation(ev.Conversation)
		}
		p.refreshList()
	case engine.ConversationDeleted:
		if i := p.findConv(ev.ID); i >= 0 {
			p.convs = append(p.convs[:i], p.convs[i+1:]...)
		}
		if p.conv != nil && p.conv.id == ev.ID {
			p.showRight(p.empty)
		}
		p.refreshList()
	case engine.TypingChanged:
		if ev.Typing {
			p.typing[ev.Conversation] = true
		} else {
			delete(p.typing, ev.Conversation)
		}
		if p.conv != nil && p.conv.id == ev.Conversation {
			p.conv.setTyping(ev.Typing)
		}
		p.list.Refresh()
	case engine.PathChanged:
		p.paths = ev.Paths
		if p.settings != nil {
			p.settings.paths.set(ev.Paths)
		}
	case engine.ConnectionChanged:
		p.setStatus(ev.Status)
	}
}
