package network

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// The types below are the JSON bodies of successful storage RPC responses
// (PROTOCOL §3.4–3.9), written by the node and read by the client. Field
// names are the storage server's. T is the node's clock in ms and HF its
// hard fork [major, minor]; clients take T as the time to sign with.
//
// Requests that every swarm member carries out (store, delete*, expire*)
// answer with a "swarm" object keyed by each member's Ed25519 pubkey in
// hex, holding that member's result signed with its key, or why it failed.
// A node sets non-nil slices and maps for empty results, so that they are
// sent as [] and {} rather than left out.

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

// SwarmResponse is the body of a successful get_swarm, and of a 421 (wrong
// swarm) answer to any request for the pubkey. Swarm is the swarm id in
// lower-case hex (FormatSwarmID).
type SwarmResponse struct {
	Snodes []SwarmNode `json:"snodes"`
	Swarm  string      `json:"swarm"`
	T      int64       `json:"t"`
	HF     [2]int      `json:"hf"`
}

// SwarmNode is one member of a swarm. Keys are hex; Address is the legacy
// key in base32z with ".snode" appended, and Port repeats PortHTTPS as a
// string, both for older clients. An IP of "0.0.0.0" means unknown; clients
// skip such nodes.
type SwarmNode struct {
	Address       string `json:"address"`
	PubkeyLegacy  string `json:"pubkey_legacy"`
	PubkeyX25519  string `json:"pubkey_x25519"`
	PubkeyEd25519 string `json:"pubkey_ed25519"`
	Port          string `json:"port"`
	PortHTTPS     int    `json:"port_https"`
	PortOMQ       int    `json:"port_omq"`
	PortQUIC      int    `json:"port_quic"`
	IP            string `json:"ip"`
}

// FormatSwarmID returns id as a SwarmResponse carries it: lower-case hex
// without 0x or leading zeros.
func FormatSwarmID(id uint64) string { return strconv.FormatUint(id, 16) }

// SwarmID returns the swarm id of r.
func (r SwarmResponse) SwarmID() (uint64, error) {
	id, err := strconv.ParseUint(r.Swarm, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrBadSwarmID, r.Swarm)
	}
	return id, nil
}

// InfoResponse is the body of info: the node's version and its clock
// (Timestamp and T, both ms).
type InfoResponse struct {
	Version   [3]int `json:"version"`
	Timestamp int64  `json:"timestamp"`
	T         int64  `json:"t"`
	HF        [2]int `json:"hf"`
}

// BatchResponse is the body of a batch or sequence, sent with status 200
// whatever the subrequests' statuses. A sequence stops at the first
// subrequest that fails, so Results may be shorter than the request.
type BatchResponse struct {
	Results []BatchResult `json:"results"`
}

// BatchResult is one subrequest's status and body: the response JSON, or
// for an error its message as a JSON string (RPCError.BatchResult).
type BatchResult struct {
	Code int             `json:"code"`
	Body json.RawMessage `json:"body"`
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
