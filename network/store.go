package network

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Limits of the storage server (PROTOCOL §3.11) that a store is checked
// against.
const (
	// MaxMessageSize is the largest message a store may carry, in bytes
	// after base64 decoding.
	MaxMessageSize = 76_800
	// MinTTL and MaxPublicTTL bound the TTL of a store to a public-inbox
	// namespace; MaxOwnerTTL that of a store to any other namespace.
	MinTTL       = 10 * time.Second
	MaxPublicTTL = 14 * 24 * time.Hour
	MaxOwnerTTL  = 30 * 24 * time.Hour
	// StoreTolerance is how far a store's timestamp may lie in the future
	// and its expiry in the past.
	StoreTolerance = 10 * time.Second
)

// StoreRequest is a validated store (PROTOCOL §3.4). Timestamp and Expiry
// are ms; Auth is set when the namespace is not a public inbox and so the
// owner's signature was required and checked.
type StoreRequest struct {
	Pubkey    [33]byte
	Namespace Namespace
	Timestamp int64
	Expiry    int64
	Data      []byte
	Auth      *Auth
}

// ParseStore parses and checks the params of a store.
func ParseStore(params json.RawMessage, now time.Time) (StoreRequest, *RPCError) {
	var req StoreRequest
	r := newParamReader(params)
	req.Pubkey = r.pubkey(true)
	data, hasData := r.str("data")
	expiry, hasExpiry := r.decimalOrInt("expiry", true)
	req.Namespace, _ = r.namespace("namespace")
	sigTS, hasSigTS := r.timestamp("sig_timestamp")
	timestamp, hasTimestamp := r.decimalOrInt("timestamp", true)
	ttl, hasTTL := r.decimalOrInt("ttl", false)
	r.require("timestamp", hasTimestamp)
	r.exactlyOne("expiry", hasExpiry, "ttl", hasTTL)
	var auth Auth
	var explicitEd bool
	_, signed := r.get("signature")
	if signed {
		auth, explicitEd = r.auth(req.Pubkey)
	}
	r.require("data", hasData)
	if r.err == nil {
		req.Data = r.data(data)
	}
	if r.err == nil && req.Namespace == TestNamespace {
		r.fail("cannot store to namespace %d", TestNamespace)
	}
	if r.err != nil {
		return StoreRequest{}, r.err
	}

	req.Timestamp = timestamp
	maxTTL := MaxOwnerTTL
	if req.Namespace.PublicInbox() {
		maxTTL = MaxPublicTTL
	}
	// Both values are ≥ 0, so the difference cannot overflow. The sum
	// below can only overflow for a timestamp far in the future, which the
	// clock check then refuses.
	if !hasTTL {
		ttl = expiry - timestamp
	}
	if ttl < MinTTL.Milliseconds() || ttl > maxTTL.Milliseconds() {
		return StoreRequest{}, NewRPCError(http.StatusForbidden, "Provided expiry/TTL is not valid.")
	}
	req.Expiry = timestamp + ttl
	nowMs := now.UnixMilli()
	if timestamp > nowMs+StoreTolerance.Milliseconds() || req.Expiry < nowMs-StoreTolerance.Milliseconds() {
		return StoreRequest{}, NewRPCError(http.StatusNotAcceptable, "Timestamp error: check your clock")
	}
	if req.Namespace.PublicInbox() {
		// A signature on a public-inbox store is parsed but, as by the
		// storage server, not checked: it grants nothing.
		return req, nil
	}
	if !signed {
		return StoreRequest{}, NewRPCError(http.StatusUnauthorized,
			fmt.Sprintf("store: signature required to store to namespace %d", req.Namespace))
	}
	auth.Timestamp = timestamp
	if hasSigTS {
		auth.Timestamp = sigTS
	}
	if !withinTolerance(auth.Timestamp, nowMs) {
		return StoreRequest{}, NewRPCError(http.StatusNotAcceptable, "store signature timestamp too far from current time")
	}
	if !verifyAuth(req.Pubkey, &auth, explicitEd, StoreSigMessage(req.Namespace, auth.Timestamp)) {
		return StoreRequest{}, NewRPCError(http.StatusUnauthorized, "store signature verification failed")
	}
	req.Auth = &auth
	return req, nil
}

// data decodes the base64 message body of a store, padded or not.
func (r *paramReader) data(s string) []byte {
	// Checked before decoding so that a huge body is never decoded; the
	// limit is divisible by 3, so its base64 form has no padding.
	if len(s) > MaxMessageSize/3*4 {
		r.fail("Message body exceeds maximum allowed length of %d bytes", MaxMessageSize)
		return nil
	}
	enc := base64.RawStdEncoding
	if strings.HasSuffix(s, "=") {
		enc = base64.StdEncoding
	}
	// The decoders skip CR and LF, which are not base64 to the server.
	b, err := enc.DecodeString(s)
	if err != nil || strings.ContainsAny(s, "\r\n") {
		r.fail("Invalid 'data' value: not base64 encoded")
		return nil
	}
	return b
}

// MarshalJSON returns the params of r: a ttl (Expiry − Timestamp) rather
// than an expiry, and sig_timestamp only when it differs from timestamp.
func (r StoreRequest) MarshalJSON() ([]byte, error) {
	p := struct {
		Pubkey       string    `json:"pubkey"`
		Timestamp    int64     `json:"timestamp"`
		Namespace    Namespace `json:"namespace"`
		TTL          int64     `json:"ttl"`
		Data         string    `json:"data"`
		SigTimestamp int64     `json:"sig_timestamp,omitempty"`
		authJSON
	}{
		Pubkey:    hex.EncodeToString(r.Pubkey[:]),
		Timestamp: r.Timestamp,
		Namespace: r.Namespace,
		TTL:       r.Expiry - r.Timestamp,
		Data:      base64.StdEncoding.EncodeToString(r.Data),
		authJSON:  newAuthJSON(r.Pubkey, r.Auth),
	}
	if r.Auth != nil && r.Auth.Timestamp != r.Timestamp {
		p.SigTimestamp = r.Auth.Timestamp
	}
	return json.Marshal(p)
}

// NewStoreParams returns the params of an unsigned store to a public-inbox
// namespace, as Session Desktop sends a 1:1 message: pubkey, timestamp,
// namespace, ttl and data. A namespace that needs a signature is
// ErrSignatureRequired; use NewSignedStoreParams.
func NewStoreParams(pubkey [33]byte, ns Namespace, timestamp time.Time, ttl time.Duration, data []byte) ([]byte, error) {
	if !ns.PublicInbox() {
		return nil, fmt.Errorf("%w: store to namespace %d", ErrSignatureRequired, ns)
	}
	ts := timestamp.UnixMilli()
	return marshalParams(MethodStore, StoreRequest{Pubkey: pubkey, Namespace: ns, Timestamp: ts,
		Expiry: ts + ttl.Milliseconds(), Data: data})
}

// NewSignedStoreParams returns the params of a store signed by the account
// owner, needed for namespaces that are not public inboxes (configs, public
// outboxes). The signature timestamp is the message timestamp.
func NewSignedStoreParams(sk ed25519.PrivateKey, pubkey [33]byte, ns Namespace, timestamp time.Time, ttl time.Duration, data []byte) ([]byte, error) {
	ts := timestamp.UnixMilli()
	a, err := signRequest(sk, pubkey, StoreSigMessage(ns, ts), ts)
	if err != nil {
		return nil, err
	}
	return marshalParams(MethodStore, StoreRequest{Pubkey: pubkey, Namespace: ns, Timestamp: ts,
		Expiry: ts + ttl.Milliseconds(), Data: data, Auth: &a})
}

// StoreSigMessage returns the message a client signs for store to a namespace
// that needs authentication: "store" || NS || SIG_TIMESTAMP, where the
// signature timestamp defaults to the message timestamp.
func StoreSigMessage(ns Namespace, sigTimestampMs int64) []byte {
	b := make([]byte, 0, len("store")+maxNamespaceDigits+maxInt64Digits)
	b = append(b, "store"...)
	b = ns.appendSig(b)
	return strconv.AppendInt(b, sigTimestampMs, 10)
}

// StoreResponse is the body of a successful store.
type StoreResponse struct {
	Swarm map[string]StoreResult `json:"swarm"`
	// Hash repeats the message hash for older clients.
	Hash string `json:"hash"`
	T    int64  `json:"t"`
	HF   [2]int `json:"hf"`
}

// StoreResult is one swarm member's store result. Signature is base64 of
// the member's signature over StoreResponseSigMessage(Hash); Expiry (ms) is
// the expiry it stored; Already reports that it held the message already.
type StoreResult struct {
	Hash      string `json:"hash,omitempty"`
	Signature string `json:"signature,omitempty"`
	Expiry    int64  `json:"expiry,omitempty"`
	Already   bool   `json:"already,omitempty"`
	PeerFailure
}

// StoreResponseSigMessage returns the message each swarm member signs in its
// store result: the ASCII message hash.
func StoreResponseSigMessage(hash string) []byte {
	return []byte(hash)
}
