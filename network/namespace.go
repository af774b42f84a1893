package network

import "strconv"

// Namespace is a storage-server message namespace (PROTOCOL §3.3): a signed
// 16-bit integer, 0 when absent. Session keeps 1:1 messages in 0 and config
// messages in 2–5.
type Namespace int16

// DefaultNamespace is the namespace of 1:1 messages.
const DefaultNamespace Namespace = 0

// Namespaces with a fixed meaning (PROTOCOL §3.3).
const (
	// LegacyClosedNamespace held the messages of old closed groups; anyone
	// may store and retrieve without a signature.
	LegacyClosedNamespace Namespace = -10
	// TestNamespace is permanently empty: stores are rejected and
	// retrieves find nothing.
	TestNamespace Namespace = -3741
)

// PublicInbox reports whether anyone may store to ns without a signature:
// namespaces divisible by 10.
func (ns Namespace) PublicInbox() bool { return ns%10 == 0 }

// PublicOutbox reports whether ns is a public outbox, −(20n+1): the owner
// stores one message at a time and anyone may retrieve it.
func (ns Namespace) PublicOutbox() bool { return ns < 0 && -int(ns)%20 == 1 }

// NoAuthRetrieve reports whether retrieving from ns needs no signature:
// public outboxes and the legacy closed-group namespace.
func (ns Namespace) NoAuthRetrieve() bool {
	return ns == LegacyClosedNamespace || ns.PublicOutbox()
}

// SigString returns ns as it appears inside signed messages and message
// hashes: the empty string for the default namespace, else base-10.
func (ns Namespace) SigString() string {
	if ns == DefaultNamespace {
		return ""
	}
	return strconv.Itoa(int(ns))
}

// appendSig appends ns.SigString() to b without allocating.
func (ns Namespace) appendSig(b []byte) []byte {
	if ns == DefaultNamespace {
		return b
	}
	return strconv.AppendInt(b, int64(ns), 10)
}

// NamespaceOrAll selects one namespace or all of them, as the delete_all,
// delete_before and expire_all requests do. The zero value selects the
// default namespace.
type NamespaceOrAll struct {
	ns  Namespace
	all bool
}

// OneNamespace selects the single namespace ns.
func OneNamespace(ns Namespace) NamespaceOrAll { return NamespaceOrAll{ns: ns} }

// AllNamespaces selects every namespace ("all" on the wire).
func AllNamespaces() NamespaceOrAll { return NamespaceOrAll{all: true} }

// All reports whether s selects every namespace.
func (s NamespaceOrAll) All() bool { return s.all }

// Namespace returns the selected namespace; ok is false when s selects all
// of them.
func (s NamespaceOrAll) Namespace() (ns Namespace, ok bool) { return s.ns, !s.all }

// SigString returns s as it appears inside signed messages: "all", or the
// namespace's SigString.
func (s NamespaceOrAll) SigString() string {
	if s.all {
		return "all"
	}
	return s.ns.SigString()
}

func (s NamespaceOrAll) appendSig(b []byte) []byte {
	if s.all {
		return append(b, "all"...)
	}
	return s.ns.appendSig(b)
}
