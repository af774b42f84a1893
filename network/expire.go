package network

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// ExpireMode restricts an expire request: ExpireShorten only moves expiries
// earlier, ExpireExtend only later, ExpireSet either way.
type ExpireMode string

const (
	ExpireSet     ExpireMode = ""
	ExpireShorten ExpireMode = "shorten"
	ExpireExtend  ExpireMode = "extend"
)

// ExpireRequest is a validated expire: set the expiry (ms) of the messages
// with the given hashes, restricted by Mode. Clamping the expiry to the
// node's maximum is the node's business.
type ExpireRequest struct {
	Pubkey [33]byte
	Hashes []string
	Expiry int64
	Mode   ExpireMode
	Auth   Auth
}

// ParseExpire parses and checks the params of an expire. The storage
// server's multi-expiry form (one expiry per hash) is not supported; a list
// holding a single expiry is.
func ParseExpire(params json.RawMessage, now time.Time) (ExpireRequest, *RPCError) {
	var req ExpireRequest
	r := newParamReader(params)
	expiries, hasExpiry := r.timestampList("expiry")
	extend, _ := r.boolean("extend")
	hashes, hasHashes := r.strList("messages")
	req.Pubkey = r.pubkey(false)
	shorten, _ := r.boolean("shorten")
	auth, explicitEd := r.auth(req.Pubkey)
	r.require("expiry", hasExpiry)
	switch {
	case r.err != nil:
	case len(expiries) == 0:
		r.fail("'expiry' does not contain any expiration timestamps")
	case len(expiries) > 1:
		r.fail("'expiry' must be a single expiry")
	}
	if shorten && extend {
		r.fail("cannot specify both 'shorten' and 'extend'")
	}
	req.Hashes = r.hashes(hashes, hasHashes)
	if r.err != nil {
		return ExpireRequest{}, r.err
	}
	req.Expiry = expiries[0]
	switch {
	case shorten:
		req.Mode = ExpireShorten
	case extend:
		req.Mode = ExpireExtend
	}
	if req.Expiry < now.UnixMilli()-SignatureTolerance.Milliseconds() {
		return ExpireRequest{}, NewRPCError(http.StatusUnauthorized, "expire: timestamp should be >= current time")
	}
	if !verifyAuth(req.Pubkey, &auth, explicitEd, ExpireSigMessage(req.Mode, req.Expiry, req.Hashes)) {
		return ExpireRequest{}, NewRPCError(http.StatusUnauthorized, "expire: signature verification failed")
	}
	req.Auth = auth
	return req, nil
}

// MarshalJSON returns the params of r; shorten or extend is sent only when
// that is the mode.
func (r ExpireRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Pubkey string `json:"pubkey"`
		authJSON
		Messages []string `json:"messages"`
		Expiry   int64    `json:"expiry"`
		Shorten  bool     `json:"shorten,omitempty"`
		Extend   bool     `json:"extend,omitempty"`
	}{hex.EncodeToString(r.Pubkey[:]), newAuthJSON(r.Pubkey, &r.Auth), r.Hashes, r.Expiry,
		r.Mode == ExpireShorten, r.Mode == ExpireExtend})
}

// NewExpireParams returns the params of a signed expire that sets the
// expiry of the messages with the given hashes.
func NewExpireParams(sk ed25519.PrivateKey, pubkey [33]byte, hashes []string, expiry time.Time, mode ExpireMode) ([]byte, error) {
	ms := expiry.UnixMilli()
	a, err := signRequest(sk, pubkey, ExpireSigMessage(mode, ms, hashes), 0)
	if err != nil {
		return nil, err
	}
	return marshalParams(MethodExpire, ExpireRequest{Pubkey: pubkey, Hashes: hashes, Expiry: ms, Mode: mode, Auth: a})
}

// ExpireSigMessage returns the message a client signs for expire with a
// single expiry: "expire" || MODE || EXPIRY || hash0 || hash1 ….
func ExpireSigMessage(mode ExpireMode, expiryMs int64, hashes []string) []byte {
	b := make([]byte, 0, len("expire")+len(mode)+maxInt64Digits+totalLen(hashes))
	b = append(b, "expire"...)
	b = append(b, mode...)
	b = strconv.AppendInt(b, expiryMs, 10)
	return appendStrings(b, hashes)
}

// ExpireResponse is the body of a successful expire.
type ExpireResponse struct {
	Swarm map[string]ExpireResult `json:"swarm"`
	T     int64                   `json:"t"`
	HF    [2]int                  `json:"hf"`
}

// ExpireResult is one swarm member's expire result: the expiry (ms) it
// applied, which may be earlier than the one asked for; the hashes it
// updated; with shorten or extend, the hashes it left alone and their
// expiries; and its signature (base64) over ExpireResponseSigMessage.
type ExpireResult struct {
	Expiry    int64            `json:"expiry,omitempty"`
	Updated   []string         `json:"updated,omitzero"`
	Unchanged map[string]int64 `json:"unchanged,omitzero"`
	Signature string           `json:"signature,omitempty"`
	PeerFailure
}

// ExpireResponseSigMessage returns the message each swarm member signs in its
// expire result: PUBKEY_HEX || EXPIRY || requested… || updated… ||
// (hash || expiry for each unchanged message). requested stays in request
// order; updated and unchanged are sorted by hash. expiryMs is the expiry the
// node applied, which may be earlier than the one requested.
func ExpireResponseSigMessage(pubkeyHex string, expiryMs int64, requested, updated []string, unchanged map[string]int64) []byte {
	unchangedHashes := slices.Sorted(maps.Keys(unchanged))
	b := make([]byte, 0, len(pubkeyHex)+maxInt64Digits+totalLen(requested)+totalLen(updated)+
		totalLen(unchangedHashes)+len(unchangedHashes)*maxInt64Digits)
	b = append(b, pubkeyHex...)
	b = strconv.AppendInt(b, expiryMs, 10)
	b = appendStrings(b, requested)
	b = appendStrings(b, sortedHashes(updated))
	for _, h := range unchangedHashes {
		b = append(b, h...)
		b = strconv.AppendInt(b, unchanged[h], 10)
	}
	return b
}

// ExpireAllRequest is a validated expire_all: shorten the expiry of every
// message in the namespace to Expiry (ms).
type ExpireAllRequest struct {
	Pubkey    [33]byte
	Namespace NamespaceOrAll
	Expiry    int64
	Auth      Auth
}

// ParseExpireAll parses and checks the params of an expire_all.
func ParseExpireAll(params json.RawMessage, now time.Time) (ExpireAllRequest, *RPCError) {
	var req ExpireAllRequest
	r := newParamReader(params)
	expiry, ok := r.timestamp("expiry")
	req.Namespace = r.namespaceOrAll("namespace")
	req.Pubkey = r.pubkey(false)
	auth, explicitEd := r.auth(req.Pubkey)
	r.require("expiry", ok)
	if r.err != nil {
		return ExpireAllRequest{}, r.err
	}
	req.Expiry = expiry
	if expiry < now.UnixMilli()-SignatureTolerance.Milliseconds() {
		return ExpireAllRequest{}, NewRPCError(http.StatusNotAcceptable, "expire_all timestamp should be >= current time")
	}
	if !verifyAuth(req.Pubkey, &auth, explicitEd, ExpireAllSigMessage(req.Namespace, expiry)) {
		return ExpireAllRequest{}, NewRPCError(http.StatusUnauthorized, "expire_all signature verification failed")
	}
	req.Auth = auth
	return req, nil
}

// MarshalJSON returns the params of r.
func (r ExpireAllRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Pubkey string `json:"pubkey"`
		authJSON
		Namespace nsOrAllJSON `json:"namespace"`
		Expiry    int64       `json:"expiry"`
	}{hex.EncodeToString(r.Pubkey[:]), newAuthJSON(r.Pubkey, &r.Auth), nsOrAllJSON(r.Namespace), r.Expiry})
}

// NewExpireAllParams returns the params of a signed expire_all.
func NewExpireAllParams(sk ed25519.PrivateKey, pubkey [33]byte, ns NamespaceOrAll, expiry time.Time) ([]byte, error) {
	ms := expiry.UnixMilli()
	a, err := signRequest(sk, pubkey, ExpireAllSigMessage(ns, ms), 0)
	if err != nil {
		return nil, err
	}
	return marshalParams(MethodExpireAll, ExpireAllRequest{Pubkey: pubkey, Namespace: ns, Expiry: ms, Auth: a})
}

// ExpireAllSigMessage returns the message a client signs for expire_all:
// "expire_all" || NS || EXPIRY.
func ExpireAllSigMessage(ns NamespaceOrAll, expiryMs int64) []byte {
	return nsTimeMessage("expire_all", ns, expiryMs)
}

// ExpireAllResponse is the body of a successful expire_all.
type ExpireAllResponse struct {
	Swarm map[string]ExpireAllResult `json:"swarm"`
	T     int64                      `json:"t"`
	HF    [2]int                     `json:"hf"`
}

// ExpireAllResult is one swarm member's expire_all result: the hashes it
// updated and its signature (base64) over ExpireAllResponseSigMessage.
type ExpireAllResult struct {
	Updated   AffectedHashes `json:"updated,omitzero"`
	Signature string         `json:"signature,omitempty"`
	PeerFailure
}

// ExpireAllResponseSigMessage returns the message each swarm member signs in
// its expire_all result: PUBKEY_HEX || EXPIRY || updated…, updated sorted.
func ExpireAllResponseSigMessage(pubkeyHex string, expiryMs int64, updated []string) []byte {
	return pubkeyTimeHashesMessage(pubkeyHex, expiryMs, updated)
}

// GetExpiriesRequest is a validated get_expiries; Timestamp (ms) is the
// signed request time.
type GetExpiriesRequest struct {
	Pubkey    [33]byte
	Hashes    []string
	Timestamp int64
	Auth      Auth
}

// ParseGetExpiries parses and checks the params of a get_expiries.
func ParseGetExpiries(params json.RawMessage, now time.Time) (GetExpiriesRequest, *RPCError) {
	var req GetExpiriesRequest
	r := newParamReader(params)
	hashes, hasHashes := r.strList("messages")
	req.Pubkey = r.pubkey(false)
	auth, explicitEd := r.auth(req.Pubkey)
	timestamp, ok := r.timestamp("timestamp")
	r.require("timestamp", ok)
	req.Hashes = r.hashes(hashes, hasHashes)
	if r.err != nil {
		return GetExpiriesRequest{}, r.err
	}
	req.Timestamp, auth.Timestamp = timestamp, timestamp
	if !withinTolerance(timestamp, now.UnixMilli()) {
		return GetExpiriesRequest{}, NewRPCError(http.StatusNotAcceptable, "get_expiries timestamp too far from current time")
	}
	if !verifyAuth(req.Pubkey, &auth, explicitEd, GetExpiriesSigMessage(timestamp, req.Hashes)) {
		return GetExpiriesRequest{}, NewRPCError(http.StatusUnauthorized, "get_expiries signature verification failed")
	}
	req.Auth = auth
	return req, nil
}

// MarshalJSON returns the params of r.
func (r GetExpiriesRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Pubkey string `json:"pubkey"`
		authJSON
		Messages  []string `json:"messages"`
		Timestamp int64    `json:"timestamp"`
	}{hex.EncodeToString(r.Pubkey[:]), newAuthJSON(r.Pubkey, &r.Auth), r.Hashes, r.Timestamp})
}

// NewGetExpiriesParams returns the params of a signed get_expiries, signed
// at now.
func NewGetExpiriesParams(sk ed25519.PrivateKey, pubkey [33]byte, hashes []string, now time.Time) ([]byte, error) {
	ts := now.UnixMilli()
	a, err := signRequest(sk, pubkey, GetExpiriesSigMessage(ts, hashes), ts)
	if err != nil {
		return nil, err
	}
	return marshalParams(MethodGetExpiries, GetExpiriesRequest{Pubkey: pubkey, Hashes: hashes, Timestamp: ts, Auth: a})
}

// GetExpiriesSigMessage returns the message a client signs for get_expiries:
// "get_expiries" || TIMESTAMP || hash0 || hash1 ….
func GetExpiriesSigMessage(timestampMs int64, hashes []string) []byte {
	b := make([]byte, 0, len("get_expiries")+maxInt64Digits+totalLen(hashes))
	b = append(b, "get_expiries"...)
	b = strconv.AppendInt(b, timestampMs, 10)
	return appendStrings(b, hashes)
}

// GetExpiriesResponse is the body of get_expiries: the expiry (ms) of each
// requested message that the node holds.
type GetExpiriesResponse struct {
	Expiries map[string]int64 `json:"expiries"`
}
