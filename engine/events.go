package engine

import (
	"net/netip"
	"sync"

	"allium/crypto"
	"allium/network/client"
)

// Event is something that happened, for the app to show. Events arrive in order on
// Engine.Events; message events are never dropped.
type Event interface{ isEvent() }

// MessageReceived fires when a new message from someone arrives (or one we sent from
// another device). The app adds it to the conversation and, if the conversation is not a
// request, may notify.
type MessageReceived struct {
	Message      Message
	Conversation Conversation
}

// RequestReceived fires when someone we have not accepted writes for the first time. The
// app shows it under message requests, without a notification.
type RequestReceived struct {
	Message      Message
	Conversation Conversation
}

// MessageQueued fires when one of our messages is written to the outbox (state Pending),
// before Send returns and before any MessageStatusChanged for it. The app shows the
// bubble.
type MessageQueued struct {
	Message      Message
	Conversation Conversation
}

// MessageStatusChanged fires when one of our messages is sent, fails (Failure says why)
// or is read by the recipient. The app updates the bubble.
type MessageStatusChanged struct {
	Conversation crypto.SessionID
	Timestamp    int64
	State        MessageState
	Failure      Failure
}

// AttachmentsChanged fires when a message's files move on: one of ours is uploaded, or
// one of theirs is being fetched, is here, failed or expired. The app updates the bubble.
type AttachmentsChanged struct {
	Conversation, Author crypto.SessionID
	Timestamp            int64
	Attachments          []Attachment
}

// FileProgress fires while a file of a message crosses the network: Done of Total bytes
// of its upload (one of ours) or download (one of theirs). Total counts the file as it
// travels, encrypted and sealed for the path, so it is a little over the file's size;
// the share Done/Total is what to show. Several fire a second at most, and none once
// AttachmentsChanged says the file moved on.
type FileProgress struct {
	Conversation, Author crypto.SessionID
	Timestamp            int64
	Index                int
	Done, Total          int64
}

// MessageDeleted fires when a message is deleted: its timer ran out, it was deleted on
// this device only, or its author unsent it (deleted it for everyone), which Unsent
// says. The app removes the bubble, or for an unsent message shows in its place that
// it was deleted.
type MessageDeleted struct {
	Conversation crypto.SessionID
	Author       crypto.SessionID
	Timestamp    int64
	Unsent       bool
}

// ConversationUpdated fires when a conversation's summary, name, approval or settings
// change. The app refreshes its row and header.
type ConversationUpdated struct{ Conversation Conversation }

// ConversationDeleted fires when a conversation is removed (declined or deleted).
type ConversationDeleted struct{ ID crypto.SessionID }

// TypingChanged fires when the other person starts or stops typing (only when typing
// indicators are on).
type TypingChanged struct {
	Conversation crypto.SessionID
	Typing       bool
}

// PathChanged fires when the onion paths are built or rebuilt. The app refreshes the path
// view.
type PathChanged struct{ Paths []Path }

// ConnectionChanged fires when the connection status changes, or while Offline, the
// step that fails. The app updates its status line and says what is happening.
type ConnectionChanged struct {
	Status  Status
	Problem Problem
}

func (MessageQueued) isEvent()        {}
func (AttachmentsChanged) isEvent()   {}
func (FileProgress) isEvent()         {}
func (MessageReceived) isEvent()      {}
func (RequestReceived) isEvent()      {}
func (MessageStatusChanged) isEvent() {}
func (MessageDeleted) isEvent()       {}
func (ConversationUpdated) isEvent()  {}
func (ConversationDeleted) isEvent()  {}
func (TypingChanged) isEvent()        {}
func (PathChanged) isEvent()          {}
func (ConnectionChanged) isEvent()    {}

// Status is the engine's connection to the network, as the status line shows it.
type Status uint8

const (
	// Connecting: building paths, nothing has worked yet.
	Connecting Status = iota
	// Online: requests go through.
	Online
	// Offline: the network cannot be reached; messages wait in the outbox.
	Offline
	// ClockWrong: the nodes reject our requests because this computer's clock is far off.
	ClockWrong
)

// String names the status for logs and scripts; the app and the command line word it
// for people.
func (s Status) String() string {
	switch s {
	case Online:
		return "online"
	case Offline:
		return "offline"
	case ClockWrong:
		return "clock-wrong"
	}
	return "connecting"
}

// statusOf is the engine's status for the client's.
func statusOf(s client.Status) Status {
	switch s {
	case client.Online:
		return Online
	case client.Offline:
		return Offline
	case client.ClockWrong:
		return ClockWrong
	}
	return Connecting
}

// Path is an onion path, guard first, as the path view shows it.
type Path struct{ Nodes []Hop }

// Hop is a node of a path: where it is and the start of its key identify it for people.
type Hop struct {
	Addr    netip.AddrPort
	Ed25519 [32]byte
}

// String names the node for people: its address.
func (h Hop) String() string { return h.Addr.String() }

func pathsOf(ps []client.Path) []Path {
	out := make([]Path, len(ps))
	for i, p := range ps {
		out[i].Nodes = make([]Hop, len(p.Nodes))
		for j, n := range p.Nodes {
			out[i].Nodes[j] = Hop{Addr: n.Addr, Ed25519: n.Ed25519}
		}
	}
	return out
}

// eventQueue delivers events in order without ever blocking the engine: events wait in
// an unbounded queue until the app reads them, so none is lost however slow the app is.
// The pump goroutine owns the output channel and closes it when the queue is closed.
type eventQueue struct {
	out chan Event
	// observe, if set, sees every event as it is pushed (config sync notes the
	// conversations that changed). It must not block.
	observe func(Event)

	mu     sync.Mutex // guards queue and closed
	queue  []Event
	closed bool
	wake   chan struct{}
	done   chan struct{}
}

func newEventQueue() *eventQueue {
	q := &eventQueue{out: make(chan Event), wake: make(chan struct{}, 1), done: make(chan struct{})}
	go q.pump()
	return q
}

func (q *eventQueue) push(ev Event) {
	if q.observe != nil {
		q.observe(ev)
	}
	q.mu.Lock()
	if !q.closed {
		q.queue = append(q.queue, ev)
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *eventQueue) pump() {
	defer close(q.done)
	defer close(q.out)
	for {
		q.mu.Lock()
		if len(q.queue) == 0 {
			closed := q.closed
			q.mu.Unlock()
			if closed {
				return
			}
			<-q.wake
			continue
		}
		ev := q.queue[0]
		q.queue[0] = nil
		q.queue = q.queue[1:]
		q.mu.Unlock()
		select {
		case q.out <- ev:
		case <-q.wake:
			// Woken while blocked: put the event back and re-check for close.
			q.mu.Lock()
			q.queue = append([]Event{ev}, q.queue...)
			closed := q.closed
			q.mu.Unlock()
			if closed {
				return
			}
		}
	}
}

// close stops the pump: events not yet read are discarded, and the channel is closed.
func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	<-q.done
}

// RestoreProgress fires while a restored account fetches its profile, contacts,
// conversations and group list from the swarm, before the first normal poll. Done of
// Total parts are in; Contacts is how many contacts arrived so far. The app shows
// "Restoring your account…" with the progress instead of an empty window.
type RestoreProgress struct {
	Done, Total int
	Contacts    int
}

// RestoreFinished fires when the restore has fetched everything (it repeats after a
// restart that interrupted it). The app shows the conversation list.
type RestoreFinished struct {
	Contacts int
}

// ProfileChanged fires when our own name or picture changed on another device of the
// account. The app shows the new name.
type ProfileChanged struct {
	Name string
}

// GroupsChanged fires when the account's group list changed on another device. Allium
// cannot take part in groups or communities yet; the app lists them as not supported.
type GroupsChanged struct {
	Groups []Group
}

// Group is an entry of the account's group list: Kind is "group", "community" or
// "legacy group"; ID the group's Session ID or the community room's address.
type Group struct {
	Kind, ID, Name string
}

func (RestoreProgress) isEvent() {}
func (RestoreFinished) isEvent() {}
func (ProfileChanged) isEvent()  {}
func (GroupsChanged) isEvent()   {}
