package network

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"
)

// DeleteRequest is a validated delete of the messages with the given
// hashes. Required asks for 404 when no swarm member deleted anything.
type DeleteRequest struct {
	Pubkey   [33]byte
	Hashes   []string
	Required bool
	Auth     Auth
}

// ParseDelete parses and checks the params of a delete.
func ParseDelete(params json.RawMessage, now time.Time) (DeleteRequest, *RPCError) {
	var req DeleteRequest
	r := newParamReader(params)
	hashes, hasHashes := r.strList("messages")
	req.Required, _ = r.boolean("required")
	req.Pubkey = r.pubkey(false)
	auth, explicitEd := r.auth(req.Pubkey)
	req.Hashes = r.hashes(hashes, hasHashes)
	if r.err != nil {
		return DeleteRequest{}, r.err
	}
	if !verifyAuth(req.Pubkey, &auth, explicitEd, DeleteSigMessage(req.Hashes)) {
		return DeleteRequest{}, NewRPCError(http.StatusUnauthorized, "delete_msgs signature verification failed")
	}
	req.Auth = auth
	return req, nil
}

// MarshalJSON returns the params of r; required is sent only when true.
func (r DeleteRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Pubkey string `json:"pubkey"`
		authJSON
		Messages []string `json:"messages"`
		Required bool     `json:"required,omitempty"`
	}{hex.EncodeToString(r.Pubkey[:]), newAuthJSON(r.Pubkey, &r.Auth), r.Hashes, r.Required})
}

// NewDeleteParams returns the params of a signed delete of the messages
// with the given hashes.
func NewDeleteParams(sk ed25519.PrivateKey, pubkey [33]byte, hashes []string) ([]byte, error) {
	a, err := signRequest(sk, pubkey, DeleteSigMessage(hashes), 0)
	if err != nil {
		return nil, err
	}
	return marshalParams(MethodDelete, DeleteRequest{Pubkey: pubkey, Hashes: hashes, Auth: a})
}

// DeleteSigMessage returns the message a client signs for delete:
// "delete" || hash0 || hash1 …. It holds no timestamp.
func DeleteSigMessage(hashes []string) []byte {
	b := make([]byte, 0, len("delete")+totalLen(hashes))
	b = append(b, "delete"...)
	return appendStrings(b, hashes)
}

// DeleteResponseSigMessage returns the message each swarm member signs in its
// delete result: PUBKEY_HEX || requested… || deleted…, with requested in
// request order and deleted sorted. pubkeyHex is the account's 66-character
// lowercase hex, prefix included. The response builders sort copies; the
// caller's slices are never modified.
func DeleteResponseSigMessage(pubkeyHex string, requested, deleted []string) []byte {
	b := make([]byte, 0, len(pubkeyHex)+totalLen(requested)+totalLen(deleted))
	b = append(b, pubkeyHex...)
	b = appendStrings(b, requested)
	return appendStrings(b, sortedHashes(deleted))
}

// DeleteAllRequest is a validated delete_all; Timestamp (ms) is the signed
// request time.
type DeleteAllRequest struct {
	Pubkey    [33]byte
	Namespace NamespaceOrAll
	Timestamp int64
	Auth      Auth
}

// ParseDeleteAll parses and checks the params of a delete_all. An absent
// namespace selects the default one, not all.
func ParseDeleteAll(params json.RawMessage, now time.Time) (DeleteAllRequest, *RPCError) {
	var req DeleteAllRequest
	r := newParamReader(params)
	req.Namespace = r.namespaceOrAll("namespace")
	req.Pubkey = r.pubkey(false)
	auth, explicitEd := r.auth(req.Pubkey)
	timestamp, ok := r.timestamp("timestamp")
	r.require("timestamp", ok)
	if r.err != nil {
		return DeleteAllRequest{}, r.err
	}
	req.Timestamp, auth.Timestamp = timestamp, timestamp
	if !withinTolerance(timestamp, now.UnixMilli()) {
		return DeleteAllRequest{}, NewRPCError(http.StatusNotAcceptable, "delete_all timestamp too far from current time")
	}
	if !verifyAuth(req.Pubkey, &auth, explicitEd, DeleteAllSigMessage(req.Namespace, timestamp)) {
		return DeleteAllRequest{}, NewRPCError(http.StatusUnauthorized, "delete_all signature verification failed")
	}
	req.Auth = auth
	return req, nil
}

// MarshalJSON returns the params of r.
func (r DeleteAllRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Pubkey string `json:"pubkey"`
		authJSON
		Namespace nsOrAllJSON `json:"namespace"`
		Timestamp int64       `json:"timestamp"`
	}{hex.EncodeToString(r.Pubkey[:]), newAuthJSON(r.Pubkey, &r.Auth), nsOrAllJSON(r.Namespace), r.Timestamp})
}

// NewDeleteAllParams returns the params of a signed delete_all, signed at
// now.
func NewDeleteAllParams(sk ed25519.PrivateKey, pubkey [33]byte, ns NamespaceOrAll, now time.Time) ([]byte, error) {
	ts := now.UnixMilli()
	a, err := signRequest(sk, pubkey, DeleteAllSigMessage(ns, ts), ts)
	if err != nil {
		return nil, err
	}
	return marshalParams(MethodDeleteAll, DeleteAllRequest{Pubkey: pubkey, Namespace: ns, Timestamp: ts, Auth: a})
}

// DeleteAllSigMessage returns the message a client signs for delete_all:
// "delete_all" || NS || TIMESTAMP.
func DeleteAllSigMessage(ns NamespaceOrAll, timestampMs int64) []byte {
	return nsTimeMessage("delete_all", ns, timestampMs)
}

// DeleteAllResponseSigMessage returns the message each swarm member signs in
// its delete_all result: PUBKEY_HEX || TIMESTAMP || deleted…, deleted sorted
// (across all namespaces when all were selected).
func DeleteAllResponseSigMessage(pubkeyHex string, timestampMs int64, deleted []string) []byte {
	return pubkeyTimeHashesMessage(pubkeyHex, timestampMs, deleted)
}

// DeleteBeforeRequest is a validated delete_before: delete the messages
// stored before Before (ms).
type DeleteBeforeRequest struct {
	Pubkey    [33]byte
	Namespace NamespaceOrAll
	Before    int64
	Auth      Auth
}

// ParseDeleteBefore parses and checks the params of a delete_before. A
// cutoff more than SignatureTolerance in the future is refused with 401, as
// by the storage server.
func ParseDeleteBefore(params json.RawMessage, now time.Time) (DeleteBeforeRequest, *RPCError) {
	var req DeleteBeforeRequest
	r := newParamReader(params)
	before, ok := r.timestamp("before")
	req.Namespace = r.namespaceOrAll("namespace")
	req.Pubkey = r.pubkey(false)
	auth, explicitEd := r.auth(req.Pubkey)
	r.require("before", ok)
	if r.err != nil {
		return DeleteBeforeRequest{}, r.err
	}
	req.Before = before
	if before > now.UnixMilli()+SignatureTolerance.Milliseconds() {
		return DeleteBeforeRequest{}, NewRPCError(http.StatusUnauthorized, "delete_before timestamp too far in the future")
	}
	if !verifyAuth(req.Pubkey, &auth, explicitEd, DeleteBeforeSigMessage(req.Namespace, before)) {
		return DeleteBeforeRequest{}, NewRPCError(http.StatusUnauthorized, "delete_before signature verification failed")
	}
	req.Auth = auth
	return req, nil
}

// MarshalJSON returns the params of r.
func (r DeleteBeforeRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Pubkey string `json:"pubkey"`
		authJSON
		Namespace nsOrAllJSON `json:"namespace"`
		Before    int64       `json:"before"`
	}{hex.EncodeToString(r.Pubkey[:]), newAuthJSON(r.Pubkey, &r.Auth), nsOrAllJSON(r.Namespace), r.Before})
}

// NewDeleteBeforeParams returns the params of a signed delete_before of the
// messages stored before before.
func NewDeleteBeforeParams(sk ed25519.PrivateKey, pubkey [33]byte, ns NamespaceOrAll, before time.Time) ([]byte, error) {
	ms := before.UnixMilli()
	a, err := signRequest(sk, pubkey, DeleteBeforeSigMessage(ns, ms), 0)
	if err != nil {
		return nil, err
	}
	return marshalParams(MethodDeleteBefore, DeleteBeforeRequest{Pubkey: pubkey, Namespace: ns, Before: ms, Auth: a})
}

// DeleteBeforeSigMessage returns the message a client signs for
// delete_before: "delete_before" || NS || BEFORE.
func DeleteBeforeSigMessage(ns NamespaceOrAll, beforeMs int64) []byte {
	return nsTimeMessage("delete_before", ns, beforeMs)
}

// DeleteBeforeResponseSigMessage returns the message each swarm member signs
// in its delete_before result: PUBKEY_HEX || BEFORE || deleted…, deleted
// sorted.
func DeleteBeforeResponseSigMessage(pubkeyHex string, beforeMs int64, deleted []string) []byte {
	return pubkeyTimeHashesMessage(pubkeyHex, beforeMs, deleted)
}

// DeleteResponse is the body of a successful delete, delete_all or
// delete_before.
type DeleteResponse struct {
	Swarm map[string]DeleteResult `json:"swarm"`
	T     int64                   `json:"t"`
	HF    [2]int                  `json:"hf"`
}

// DeleteResult is one swarm member's deletion result: the hashes it
// deleted and its signature (base64) over DeleteResponseSigMessage,
// DeleteAllResponseSigMessage or DeleteBeforeResponseSigMessage.
type DeleteResult struct {
	Deleted   AffectedHashes `json:"deleted,omitzero"`
	Signature string         `json:"signature,omitempty"`
	PeerFailure
}
