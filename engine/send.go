package engine

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"allium/crypto"
	"allium/engine/sessionpb"
	"allium/engine/store"
	"allium/network"
	"allium/network/client"
)

// Sending policy.
const (
	// failAfter attempts, a message shows as failed (with a Retry action); the engine
	// keeps retrying it in the background, backing off up to maxBackoff, until it is sent
	// or its time to live runs out.
	failAfter   = 3
	maxBackoff  = 2 * time.Minute
	sendWorkers = 4
)

// Send writes a text message to the outbox and returns it (state Pending). MessageQueued
// fires for it before Send returns, then MessageStatusChanged when it is sent or fails;
// it is delivered in the background. Replying to a message request accepts it. An empty
// message is ErrEmptyMessage; one over MaxMessageLength is a *TooLongError.
func (e *Engine) Send(to crypto.SessionID, text string) (Message, error) {
	if strings.TrimSpace(text) == "" {
		return Message{}, ErrEmptyMessage
	}
	if n := MessageLength(text); n > MaxMessageLength {
		return Message{}, &TooLongError{What: "message", Length: n, Limit: MaxMessageLength}
	}
	conv, exists, err := e.st.Conversation(to)
	if err != nil {
		return Message{}, err
	}
	if exists && !conv.Approved {
		if err := e.Accept(to); err != nil {
			return Message{}, err
		}
		conv.Approved = true
	}
	if p := e.pendingPreview(text); p != nil {
		// The page is fetched in the outbox, so that Send never waits for a website.
		return e.queueUpload(to, text, conv, nil, p)
	}
	e.learnClock()
	ts := e.nextTimestamp()
	c := &sessionpb.Content{DataMessage: &sessionpb.DataMessage{Body: proto.String(text)}}
	e.announceProfile(c.DataMessage)
	applyExpiry(c, conv)
	ttl := ttlContent
	m := store.Message{Conversation: to, Author: e.SessionID(), Timestamp: ts, Direction: store.Outgoing, Body: text,
		State: store.Pending, ExpireMode: conv.ExpireMode, ExpireTimer: conv.ExpireTimer}
	if conv.ExpireMode == store.ExpireAfterSend && conv.ExpireTimer > 0 {
		ttl = time.Duration(conv.ExpireTimer) * time.Second
		m.ExpiresAt = ts + ttl.Milliseconds()
	}
	payload, err := e.seal(to, ts, c)
	if err != nil {
		return Message{}, err
	}
	// Our own copy, for our other devices: the same content, naming the conversation.
	c.DataMessage.SyncTarget = proto.String(to.String())
	syncPayload, err := e.seal(e.SessionID(), ts, c)
	if err != nil {
		return Message{}, err
	}
	// The message and the items that deliver it are written in one transaction before
	// anything touches the network: a crash from here on loses nothing, and the outbox
	// delivers the same bytes however often it retries.
	items := []store.OutboxItem{{Recipient: to, Timestamp: ts, Payload: payload, TTL: ttl.Milliseconds(),
		NextAttempt: ts, Conversation: to, Kind: kindVisible}}
	if to != e.SessionID() {
		items = append(items, store.OutboxItem{Recipient: e.SessionID(), Timestamp: ts, Payload: syncPayload,
			TTL: ttl.Milliseconds(), NextAttempt: ts, Conversation: to, Kind: kindSyncCopy})
	}
	if err := e.st.AddOutgoing(m, items...); err != nil {
		return Message{}, err
	}
	queued := e.messageOf(m)
	if c, ok, err := e.st.Conversation(to); err == nil && ok {
		e.events.push(MessageQueued{Message: queued, Conversation: e.conversationOf(c)})
		e.events.push(ConversationUpdated{Conversation: e.conversationOf(c)})
	}
	wake(e.sendWake)
	return queued, nil
}

// sendControl queues a control message (receipt, unsend, request response, timer
// update) for one recipient.
func (e *Engine) sendControl(to crypto.SessionID, c *sessionpb.Content, ttl time.Duration) error {
	ts := e.nextTimestamp()
	payload, err := e.seal(to, ts, c)
	if err != nil {
		return err
	}
	if _, err := e.st.Enqueue(store.OutboxItem{Recipient: to, Timestamp: ts, Payload: payload, TTL: ttl.Milliseconds(),
		NextAttempt: ts, Kind: kindControl}); err != nil {
		return err
	}
	wake(e.sendWake)
	return nil
}

// nextTimestamp is network time in ms, strictly increasing within this process: a
// message's identity is (author, timestamp), so two sends never share one.
func (e *Engine) nextTimestamp() int64 {
	e.tsMu.Lock()
	defer e.tsMu.Unlock()
	ts := e.now().UnixMilli()
	if ts <= e.lastTs {
		ts = e.lastTs + 1
	}
	e.lastTs = ts
	return ts
}

// Retry sends a failed message again now.
func (e *Engine) Retry(conv crypto.SessionID, ts int64) error {
	items, err := e.st.Outbox()
	if err != nil {
		return err
	}
	found := false
	for _, it := range items {
		if it.Conversation == conv && it.Timestamp == ts {
			it.NextAttempt = 0
			if err := e.st.UpdateOutbox(it); err != nil {
				return err
			}
			found = true
		}
	}
	if !found {
		return ErrNotFound
	}
	e.setMessageState(conv, ts, store.Pending, NotFailed)
	wake(e.sendWake)
	return nil
}

// sendLoop delivers the outbox: due items are sent (a few at a time), failures retried
// with back-off, and everything is tried again at once when the network comes back.
func (e *Engine) sendLoop() {
	timer := time.NewTimer(0)
	defer timer.Stop()
	wasOnline := false
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-timer.C:
		case <-e.sendWake:
		}
		online := e.Status() == Online
		if online && !wasOnline {
			e.retryAllNow()
		}
		wasOnline = online
		next := e.sendDue()
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(next)
	}
}

// retryAllNow makes every waiting item due (on reconnect).
func (e *Engine) retryAllNow() {
	items, err := e.st.Outbox()
	if err != nil {
		return
	}
	for _, it := range items {
		if it.Attempts > 0 {
			it.NextAttempt = 0
			e.st.UpdateOutbox(it)
		}
	}
}

// sendDue sends every due item and returns how long to wait for the next one, counted
// after the deliveries (which reschedule the items that failed).
func (e *Engine) sendDue() time.Duration {
	items, err := e.st.Outbox()
	if err != nil {
		return time.Second
	}
	now := e.now().UnixMilli()
	sem := make(chan struct{}, sendWorkers)
	var wg sync.WaitGroup
	for _, it := range items {
		if it.NextAttempt > now {
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			e.deliver(it)
		})
	}
	wg.Wait()
	if items, err = e.st.Outbox(); err != nil {
		return time.Second
	}
	next := time.Minute
	now = e.now().UnixMilli()
	for _, it := range items {
		next = min(next, max(0, time.Duration(it.NextAttempt-now)*time.Millisecond))
	}
	return next
}

// deliver tries one outbox item once.
func (e *Engine) deliver(it store.OutboxItem) {
	if it.Kind == kindUpload {
		e.upload(it)
		return
	}
	now := e.now().UnixMilli()
	if now > it.Timestamp+it.TTL {
		e.finish(it, store.Failed, FailedExpired)
		return
	}
	if it.Kind == kindVisible || it.Kind == kindSyncCopy {
		// sendDue works from a snapshot of the outbox: the message may have been
		// cancelled or unsent since, and must not go out then.
		if _, ok, err := e.st.Message(it.Conversation, e.SessionID(), it.Timestamp); err != nil || !ok {
			if err == nil {
				e.st.Dequeue(it.ID)
			}
			return
		}
	}
	pk := [33]byte(it.Recipient)
	// The message expires its TTL after its own time, whenever this attempt is made. A
	// retry stores the same bytes, hence the same hash: the swarm and the recipient see
	// one message.
	expiry := time.UnixMilli(it.Timestamp + it.TTL)
	_, err := e.net.Store(e.ctx, nil, pk, network.DefaultNamespace, it.Payload, expiry)
	if e.ctx.Err() != nil {
		return // closing: the item stays queued for next time
	}
	var refused *client.StatusError
	switch {
	case err == nil:
		e.finish(it, store.Sent, NotFailed)
		return
	case errors.As(err, &refused) && refused.Status >= 400 && refused.Status < 500:
		// The request itself is wrong; repeating it cannot help.
		e.log.Warn("store refused", "status", refused.Status)
		e.finish(it, store.Failed, FailedRefused)
		return
	}
	e.retryLater(it, err)
}

// finish takes a delivered or abandoned item out of the outbox and, for a visible
// message, sets the message's state in the same transaction, then tells the app.
func (e *Engine) finish(it store.OutboxItem, st store.MessageState, f Failure) {
	if it.Kind != kindVisible && it.Kind != kindUpload {
		e.st.Finish(it.ID, it.Conversation, e.SessionID(), it.Timestamp, 0, "")
		return
	}
	before, ok, err := e.st.Message(it.Conversation, e.SessionID(), it.Timestamp)
	if err != nil {
		return
	}
	if err := e.st.Finish(it.ID, it.Conversation, e.SessionID(), it.Timestamp, st, f.String()); err != nil {
		return
	}
	if !ok || before.State == st && before.Error == f.String() || before.State == store.Read && st == store.Sent {
		return
	}
	e.events.push(MessageStatusChanged{Conversation: it.Conversation, Timestamp: it.Timestamp, State: MessageState(st), Failure: f})
	e.pushConversation(it.Conversation)
}

// syncClock learns the network time as the engine starts, so that a computer whose clock
// is off dates its messages as the network does.
func (e *Engine) syncClock() {
	defer close(e.clockTried)
	ctx, cancel := context.WithTimeout(e.ctx, clockWait)
	defer cancel()
	if err := e.net.SyncClock(ctx, [33]byte(e.SessionID())); err != nil {
		e.log.Debug("network time", "err", err)
	}
}

// learnClock waits, before the first message of a run is stamped, for the first attempt to
// learn the network time to end: a few seconds at most, and not at all once it has ended
// (offline, messages are stamped with this computer's clock).
func (e *Engine) learnClock() {
	if e.net.ClockKnown() {
		return
	}
	t := time.NewTimer(clockWait)
	defer t.Stop()
	select {
	case <-e.clockTried:
	case <-t.C:
	case <-e.ctx.Done():
	}
}

// clockWait bounds how long the first send waits to learn the network time.
const clockWait = 5 * time.Second

// setMessageState updates one of our messages and tells the app.
func (e *Engine) setMessageState(conv crypto.SessionID, ts int64, st store.MessageState, f Failure) {
	m, ok, err := e.st.Message(conv, e.SessionID(), ts)
	if err != nil || !ok || m.State == st && m.Error == f.String() {
		return
	}
	if m.State == store.Read && st == store.Sent {
		return // a read receipt can arrive before the store confirmation
	}
	if err := e.st.SetMessageState(conv, e.SessionID(), ts, st, f.String()); err != nil {
		return
	}
	e.events.push(MessageStatusChanged{Conversation: conv, Timestamp: ts, State: MessageState(st), Failure: f})
	e.pushConversation(conv)
}

func (e *Engine) pushConversation(id crypto.SessionID) {
	if c, ok, err := e.st.Conversation(id); err == nil && ok {
		e.events.push(ConversationUpdated{Conversation: e.conversationOf(c)})
	}
}

// Waiting returns how many deliveries (messages, their copies for our other devices, and
// control messages such as receipts and setting changes) wait in the outbox.
func (e *Engine) Waiting() (int, error) {
	items, err := e.st.Outbox()
	return len(items), err
}
