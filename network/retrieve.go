package network

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"
)

// RetrieveMaxSize is the most message bytes one retrieve returns (PROTOCOL
// §3.11).
const RetrieveMaxSize = 7_800_000

// RetrieveRequest is a validated retrieve (PROTOCOL §3.5). LastHash is
// empty to start from the first message. Auth is nil for an unsigned
// retrieve from a namespace that allows it.
//
// ParseRetrieve sets MaxCount to the most messages to return (0: no limit)
// and MaxSize to the byte budget, 1..RetrieveMaxSize. When building a
// request, they are sent as given: MaxSize negative asks for that fraction
// of RetrieveMaxSize, and 0 leaves either out.
type RetrieveRequest struct {
	Pubkey    [33]byte
	Namespace Namespace
	LastHash  string
	MaxCount  int
	MaxSize   int
	Auth      *Auth
}

// ParseRetrieve parses and checks the params of a retrieve. A signature is
// required unless the namespace allows unsigned retrieves; one that is
// given is checked even then.
func ParseRetrieve(params json.RawMessage, now time.Time) (RetrieveRequest, *RPCError) {
	var req RetrieveRequest
	r := newParamReader(params)
	lastHashAlt, hasLastHashAlt := r.str("lastHash")
	lastHash, hasLastHash := r.str("last_hash")
	maxCount, hasMaxCount := r.integer("max_count", math.MinInt32, math.MaxInt32, "integer")
	maxSize, hasMaxSize := r.integer("max_size", math.MinInt32, math.MaxInt32, "integer")
	var hasNamespace bool
	req.Namespace, hasNamespace = r.namespace("namespace")
	timestamp, hasTimestamp := r.timestamp("timestamp")
	_, hasEd := r.get("pubkey_ed25519")
	_, hasSig := r.get("signature")
	// As on the storage server, any signature field, or a namespace given
	// that needs one, makes the signature fields required (400 when
	// missing); only a request that names no namespace at all gets the 401
	// below.
	signed := hasEd || hasSig || hasTimestamp || (hasNamespace && !req.Namespace.NoAuthRetrieve())
	req.Pubkey = r.pubkey(true)
	var auth Auth
	var explicitEd bool
	if signed {
		auth, explicitEd = r.auth(req.Pubkey)
		r.require("timestamp", hasTimestamp)
		auth.Timestamp = timestamp
	}
	if hasLastHash && hasLastHashAlt {
		r.fail("Cannot specify both 'last_hash' and 'lastHash'")
	} else if hasLastHashAlt {
		lastHash = lastHashAlt
	}
	switch {
	case r.err != nil || lastHash == "":
	case len(lastHash) != HashLen:
		r.fail("Invalid last_hash: expected base64 (43 chars)")
	case !ValidHash(lastHash):
		r.fail("Invalid last_hash: not base64")
	}
	if r.err != nil {
		return RetrieveRequest{}, r.err
	}
	req.LastHash = lastHash

	if !signed && !req.Namespace.NoAuthRetrieve() {
		return RetrieveRequest{}, NewRPCError(http.StatusUnauthorized, "retrieve: request signature required")
	}
	if signed {
		if !withinTolerance(auth.Timestamp, now.UnixMilli()) {
			return RetrieveRequest{}, NewRPCError(http.StatusNotAcceptable, "retrieve timestamp too far from current time")
		}
		if !verifyAuth(req.Pubkey, &auth, explicitEd, RetrieveSigMessage(req.Namespace, auth.Timestamp)) {
			return RetrieveRequest{}, NewRPCError(http.StatusUnauthorized, "retrieve signature verification failed")
		}
		req.Auth = &auth
	}

	// As on the storage server: 0 means unspecified; with neither limit the
	// budget is a fifth of the maximum; a negative size is a fraction of
	// the maximum; a negative count (no SQL limit there) is no limit.
	if !hasMaxCount || maxCount < 0 {
		maxCount = 0
	}
	if !hasMaxSize {
		maxSize = 0
	}
	if maxCount == 0 && maxSize == 0 {
		maxSize = -5
	}
	switch {
	case maxSize < 0:
		// At least one byte, so that 0 never means "unset" after parsing;
		// a node returns at least one message whatever the budget.
		maxSize = max(1, RetrieveMaxSize/-maxSize)
	case maxSize == 0 || maxSize > RetrieveMaxSize:
		maxSize = RetrieveMaxSize
	}
	req.MaxCount, req.MaxSize = int(maxCount), int(maxSize)
	return req, nil
}

// MarshalJSON returns the params of r. last_hash is always sent (empty to
// start from the first message); max_count and max_size only when not 0.
func (r RetrieveRequest) MarshalJSON() ([]byte, error) {
	p := struct {
		Namespace Namespace `json:"namespace"`
		Pubkey    string    `json:"pubkey"`
		Timestamp int64     `json:"timestamp,omitempty"`
		authJSON
		LastHash string `json:"last_hash"`
		MaxCount int    `json:"max_count,omitempty"`
		MaxSize  int    `json:"max_size,omitempty"`
	}{
		Namespace: r.Namespace,
		Pubkey:    hex.EncodeToString(r.Pubkey[:]),
		authJSON:  newAuthJSON(r.Pubkey, r.Auth),
		LastHash:  r.LastHash,
		MaxCount:  r.MaxCount,
		MaxSize:   r.MaxSize,
	}
	if r.Auth != nil {
		p.Timestamp = r.Auth.Timestamp
	}
	return json.Marshal(p)
}

// NewRetrieveParams returns the params of a signed retrieve of the messages
// after lastHash ("" for all), signed at now.
func NewRetrieveParams(sk ed25519.PrivateKey, pubkey [33]byte, ns Namespace, lastHash string, now time.Time) ([]byte, error) {
	ts := now.UnixMilli()
	a, err := signRequest(sk, pubkey, RetrieveSigMessage(ns, ts), ts)
	if err != nil {
		return nil, err
	}
	return marshalParams(MethodRetrieve, RetrieveRequest{Pubkey: pubkey, Namespace: ns, LastHash: lastHash, Auth: &a})
}

// RetrieveSigMessage returns the message a client signs for retrieve:
// "retrieve" || NS || TIMESTAMP.
func RetrieveSigMessage(ns Namespace, timestampMs int64) []byte {
	b := make([]byte, 0, len("retrieve")+maxNamespaceDigits+maxInt64Digits)
	b = append(b, "retrieve"...)
	b = ns.appendSig(b)
	return strconv.AppendInt(b, timestampMs, 10)
}

// RetrieveResponse is the body of a successful retrieve. More reports that
// the budget was reached and another retrieve from the last hash will
// return more.
type RetrieveResponse struct {
	Messages []RetrievedMessage `json:"messages"`
	More     bool               `json:"more"`
	T        int64              `json:"t"`
	HF       [2]int             `json:"hf"`
}

// RetrievedMessage is one stored message: its hash, the timestamp and
// expiration (ms) it was stored with, and its data in base64.
type RetrievedMessage struct {
	Hash       string `json:"hash"`
	Timestamp  int64  `json:"timestamp"`
	Expiration int64  `json:"expiration"`
	Data       string `json:"data"`
}
