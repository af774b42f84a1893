package engine

import (
	"fmt"
	"strings"
	"time"

	"allium/crypto"
	"allium/engine/store"
)

// Message is a message of a conversation, as the app and the command line show it. A
// message is identified by its Author and Timestamp.
type Message struct {
	// Conversation is the other person; Author is they or we (our own Session ID).
	Conversation, Author crypto.SessionID
	// Timestamp is when the author sent it, and Arrived when this device stored it (Unix
	// ms).
	Timestamp, Arrived int64
	Direction          Direction
	Body               string
	State              MessageState
	// Failure says why an outgoing message is Failed (or why it waits to be retried).
	Failure Failure
	// ExpiresAt is when a disappearing message disappears (Unix ms), 0 if never or not yet
	// known (an after-read message that is unread).
	ExpiresAt int64
	// Disappearing is the setting the message was sent with.
	Disappearing Disappearing
	// Unread: incoming and not read yet.
	Unread bool
	// Attachments are the message's files, in the order the sender gave them; its Body
	// is then their caption.
	Attachments []Attachment
	// Preview is the card of the page the message links to, nil if it has none.
	Preview *LinkPreview
}

// Conversation is a conversation with one person: a contact or a message request.
type Conversation struct {
	ID crypto.SessionID
	// Name is the name they announced, or the one we gave them.
	Name string
	// LastBody, LastAt (Unix ms) and LastState describe the last message; LastState is 0
	// when there is none.
	LastBody  string
	LastAt    int64
	LastState MessageState
	// Unread counts incoming messages not read yet.
	Unread int
	// Approved: we accepted (or started) it; a conversation not approved is a message
	// request. ApprovedMe: they accepted us.
	Approved, ApprovedMe bool
	Blocked              bool
	// Disappearing is the setting for new messages.
	Disappearing Disappearing
	// Avatar is their profile picture, a file in the profile, once fetched; "" otherwise.
	Avatar string
	// Nickname is the name we gave them (synced to our other devices), "" if none; Name
	// is then the nickname too.
	Nickname string
	// Priority orders the list as Session does: > 0 pinned (higher first), -1 hidden.
	Priority int64
	// MarkedUnread: marked unread on one of our devices.
	MarkedUnread bool
}

// MessageState is where a message is in its life. An outgoing message goes Pending →
// Sent → Read, or Pending → Failed (and back to Pending on a retry); an incoming one is
// Received, then Read.
type MessageState uint8

// The values are the store's, so that converting is a cast.
const (
	Pending  = MessageState(store.Pending)
	Sent     = MessageState(store.Sent)
	Failed   = MessageState(store.Failed)
	Received = MessageState(store.Received)
	Read     = MessageState(store.Read)
)

func (s MessageState) String() string { return store.MessageState(s).String() }

// Direction says who wrote a message: we (Outgoing, also from our other devices) or the
// other person (Incoming).
type Direction uint8

const (
	Outgoing = Direction(store.Outgoing)
	Incoming = Direction(store.Incoming)
)

func (d Direction) String() string { return store.Direction(d).String() }

// Failure is why an outgoing message was not delivered. The app and the command line
// word it for people.
type Failure uint8

const (
	// NotFailed: the message is not failed.
	NotFailed Failure = iota
	// FailedOffline: the network could not be reached. The engine keeps retrying.
	FailedOffline
	// FailedClockWrong: the network refused it because this computer's clock is wrong.
	FailedClockWrong
	// FailedExpired: it could not be delivered within its time to live and was given up.
	FailedExpired
	// FailedRefused: the network refused it; retrying cannot help.
	FailedRefused
)

// failureCodes are how failures are kept in the store.
var failureCodes = [...]string{NotFailed: "", FailedOffline: "offline", FailedClockWrong: "clock",
	FailedExpired: "expired", FailedRefused: "refused"}

func (f Failure) String() string {
	if int(f) < len(failureCodes) {
		return failureCodes[f]
	}
	return fmt.Sprintf("Failure(%d)", uint8(f))
}

// failureOf reads a stored failure. Profiles written before failures had codes kept the
// English sentence; those are recognised by their words.
func failureOf(s string) Failure {
	for f, code := range failureCodes {
		if s == code {
			return Failure(f)
		}
	}
	switch {
	case strings.Contains(s, "clock"):
		return FailedClockWrong
	case strings.Contains(s, "in time"):
		return FailedExpired
	case strings.Contains(s, "refused"):
		return FailedRefused
	}
	return FailedOffline
}

// DisappearMode says when a disappearing message's timer starts, if it has one.
type DisappearMode uint8

// The values are those of Session's Content.expirationType.
const (
	DisappearOff       = DisappearMode(store.ExpireNone)
	DisappearAfterRead = DisappearMode(store.ExpireAfterRead)
	DisappearAfterSend = DisappearMode(store.ExpireAfterSend)
)

func (m DisappearMode) String() string {
	switch m {
	case DisappearOff:
		return "off"
	case DisappearAfterRead:
		return "after-read"
	case DisappearAfterSend:
		return "after-send"
	}
	return fmt.Sprintf("DisappearMode(%d)", uint8(m))
}

// Disappearing is a disappearing-messages setting: off, or a mode and a timer.
type Disappearing struct {
	Mode  DisappearMode
	Timer time.Duration
}

// On reports whether messages disappear.
func (d Disappearing) On() bool { return d.Mode != DisappearOff && d.Timer > 0 }

func disappearingOf(mode uint8, secs uint32) Disappearing {
	if mode == store.ExpireNone || secs == 0 {
		return Disappearing{}
	}
	return Disappearing{Mode: DisappearMode(mode), Timer: time.Duration(secs) * time.Second}
}

func (e *Engine) messageOf(m store.Message) Message {
	return Message{Attachments: e.attachmentsOf(m.Attachments), Preview: e.previewOf(m.Preview), Conversation: m.Conversation, Author: m.Author, Timestamp: m.Timestamp, Arrived: m.Received,
		Direction: Direction(m.Direction), Body: m.Body, State: MessageState(m.State),
		Failure: failureIf(m.State == store.Failed, m.Error), ExpiresAt: m.ExpiresAt,
		Disappearing: disappearingOf(m.ExpireMode, m.ExpireTimer), Unread: m.Unread}
}

func failureIf(failed bool, code string) Failure {
	if !failed {
		return NotFailed
	}
	return failureOf(code)
}

func (e *Engine) messagesOf(ms []store.Message) []Message {
	out := make([]Message, len(ms))
	for i, m := range ms {
		out[i] = e.messageOf(m)
	}
	return out
}

func (e *Engine) conversationOf(c store.Conversation) Conversation {
	return Conversation{Avatar: e.filePath(c.AvatarPath), ID: c.ID, Name: c.Name, LastBody: c.LastBody, LastAt: c.LastAt,
		LastState: MessageState(c.LastState), Unread: c.Unread, Approved: c.Approved,
		ApprovedMe: c.ApprovedMe, Blocked: c.Blocked,
		Disappearing: disappearingOf(c.ExpireMode, c.ExpireTimer)}.withConfig(e)
}

func (e *Engine) conversationsOf(cs []store.Conversation) []Conversation {
	out := make([]Conversation, len(cs))
	for i, c := range cs {
		out[i] = e.conversationOf(c)
	}
	return out
}
