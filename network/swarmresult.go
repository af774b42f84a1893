package network

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Requests that every swarm member carries out (store, delete*, expire*)
// answer with a "swarm" object keyed by each member's Ed25519 pubkey in
// hex, holding that member's result signed with its key, or why it failed.
// A node sets non-nil slices and maps for empty results, so that they are
// sent as [] and {} rather than left out. The types below are the parts of
// those results that several methods share.

// PeerFailure says why a swarm member has no result: Failed is always set,
// then Timeout, or the status Code and Reason it answered, or
// BadPeerResponse (unparsable) or QueryFailure.
type PeerFailure struct {
	Failed          bool       `json:"failed,omitempty"`
	Timeout         bool       `json:"timeout,omitempty"`
	Code            StatusCode `json:"code,omitempty"`
	Reason          string     `json:"reason,omitempty"`
	BadPeerResponse bool       `json:"bad_peer_response,omitempty"`
	QueryFailure    bool       `json:"query_failure,omitempty"`
}

// StatusCode is an HTTP status in a PeerFailure. It is written as a JSON
// number; the storage server sends it as a string ("401"), so both are
// read.
type StatusCode int

// UnmarshalJSON reads a status given as a number or a decimal string.
func (c *StatusCode) UnmarshalJSON(b []byte) error {
	if isJSONNull(b) {
		return nil
	}
	var s string
	if isJSONString(b) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		s = string(b)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("network: bad status code %s", b)
	}
	*c = StatusCode(n)
	return nil
}

// AffectedHashes is the list of hashes a swarm member deleted or updated.
// For one namespace it is a JSON array (Hashes); when a request selected
// all namespaces, it is an object that groups the hashes by namespace, keyed
// by the decimal namespace (ByNamespace).
type AffectedHashes struct {
	Hashes      []string
	ByNamespace map[Namespace][]string
}

// IsZero reports whether a holds no list at all, so that it is left out of
// a failed member's result. An empty, non-nil list is not zero.
func (a AffectedHashes) IsZero() bool { return a.Hashes == nil && a.ByNamespace == nil }

// Sorted returns every hash in a in byte order, the order in which the
// member signed them.
func (a AffectedHashes) Sorted() []string {
	all := slices.Clone(a.Hashes)
	for _, ns := range slices.Sorted(maps.Keys(a.ByNamespace)) {
		all = append(all, a.ByNamespace[ns]...)
	}
	slices.Sort(all)
	return all
}

// MarshalJSON writes an object when ByNamespace is set, else an array.
func (a AffectedHashes) MarshalJSON() ([]byte, error) {
	if a.ByNamespace == nil {
		if a.Hashes == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(a.Hashes)
	}
	m := make(map[string][]string, len(a.ByNamespace))
	for ns, hashes := range a.ByNamespace {
		m[strconv.Itoa(int(ns))] = hashes
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads either form.
func (a *AffectedHashes) UnmarshalJSON(b []byte) error {
	*a = AffectedHashes{}
	if !isJSONObjectValue(b) {
		return json.Unmarshal(b, &a.Hashes)
	}
	var m map[string][]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	a.ByNamespace = make(map[Namespace][]string, len(m))
	for k, hashes := range m {
		ns, err := strconv.ParseInt(k, 10, 16)
		if err != nil {
			return fmt.Errorf("network: bad namespace %q in hash list", k)
		}
		a.ByNamespace[Namespace(ns)] = hashes
	}
	return nil
}
