package engine_test

import (
	"testing"
	"time"

	"allium/crypto"
	"allium/engine"
	"allium/engine/enginetest"
	"allium/network/testnet"
)

// user is an account with its profile directory, and its engine while open.
type user struct {
	t    testing.TB
	dir  string
	net  string
	id   crypto.SessionID
	e    *engine.Engine
	evs  chan engine.Event
	done chan struct{}
}

func newUser(t testing.TB, tn *testnet.Testnet, name string) *user {
	t.Helper()
	dir, id := enginetest.User(t, tn, name)
	u := &user{t: t, dir: dir, net: tn.NetworkFile(), id: id}
	u.open()
	return u
}

func (u *user) open() {
	u.t.Helper()
	u.openWith(engine.Options{Dir: u.dir, Network: u.net, PollActive: 200 * time.Millisecond})
}

// openWith opens the engine with opts.
func (u *user) openWith(opts engine.Options) {
	u.t.Helper()
	e, err := engine.Open(opts)
	if err != nil {
		u.t.Fatal(err)
	}
	u.e = e
	u.evs = make(chan engine.Event, 10000)
	u.done = make(chan struct{})
	go func() {
		defer close(u.done)
		for ev := range e.Events() {
			u.evs <- ev
		}
	}()
	u.t.Cleanup(u.close)
}

func (u *user) close() {
	if u.e != nil {
		u.e.Close()
		<-u.done
		u.e = nil
	}
}

// waitEvent waits for an event that match accepts.
func (u *user) waitEvent(what string, match func(engine.Event) bool) engine.Event {
	u.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev := <-u.evs:
			if match(ev) {
				return ev
			}
		case <-deadline:
			u.t.Fatalf("timed out waiting for %s", what)
			return nil
		}
	}
}

func (u *user) waitMessage(body string) engine.Message {
	u.t.Helper()
	ev := u.waitEvent("message "+body, func(ev engine.Event) bool {
		switch ev := ev.(type) {
		case engine.MessageReceived:
			return ev.Message.Body == body
		case engine.RequestReceived:
			return ev.Message.Body == body
		}
		return false
	})
	switch ev := ev.(type) {
	case engine.MessageReceived:
		return ev.Message
	case engine.RequestReceived:
		return ev.Message
	}
	return engine.Message{}
}

func (u *user) waitState(ts int64, st engine.MessageState) {
	u.t.Helper()
	u.waitEvent("message state "+st.String(), func(ev engine.Event) bool {
		s, ok := ev.(engine.MessageStatusChanged)
		return ok && s.Timestamp == ts && s.State == st
	})
}
