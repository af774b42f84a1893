package network

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"allium/crypto"
)

// OnionHop names a node of an onion path by its two public keys.
type OnionHop struct {
	// Ed25519 is how the previous hop names the node ("destination").
	Ed25519 [32]byte
	// X25519 is the key the node's layer is encrypted to.
	X25519 [32]byte
}

// OnionRequest is an onion request ready to POST to the guard's /onion_req/v2.
type OnionRequest struct {
	Body []byte
	// Key is the key shared with the destination: it opens the reply.
	Key crypto.HopKey
}

// StorageControl is the JSON a client puts beside an RPC request for a destination
// storage node: its "headers" key marks the last layer.
var StorageControl = []byte(`{"headers":""}`)

// BuildOnion wraps request (for the destination, with control JSON beside it) in one layer
// per node: first for dest, then for each node of path from last to first, so that
// path[0], the guard, peels the outermost layer. Every layer has a fresh one-time key;
// keys and nonces are read from rand. The destination must not be on the path.
func BuildOnion(rand io.Reader, enc crypto.EncType, path []OnionHop, dest OnionHop, request, control []byte) (OnionRequest, error) {
	var req OnionRequest
	for _, h := range path {
		if h.Ed25519 == dest.Ed25519 {
			return req, fmt.Errorf("network: build onion: the destination is on its own path")
		}
	}
	layer := AppendOnionPayload(nil, request, control)
	eph, ct, key, err := sealLayer(rand, enc, &dest.X25519, layer)
	if err != nil {
		return req, err
	}
	req.Key = key
	req.Body, err = wrapPath(rand, enc, path, dest.Ed25519, eph, ct, layer)
	return req, err
}

// wrapPath adds one layer per node of path, from the last to the guard, around ct (sealed
// under eph for the node next, which follows the path), and returns the body to post to
// the guard. buf is scratch space.
func wrapPath(rand io.Reader, enc crypto.EncType, path []OnionHop, next, eph [32]byte, ct, buf []byte) ([]byte, error) {
	var err error
	for i := len(path) - 1; i >= 0; i-- {
		buf = AppendOnionPayload(buf[:0], ct, relayJSON(next, eph, enc))
		eph, ct, _, err = sealLayer(rand, enc, &path[i].X25519, buf)
		if err != nil {
			return nil, err
		}
		next = path[i].Ed25519
	}
	return AppendOnionPayload(nil, ct, edgeJSON(eph, enc)), nil
}

// sealLayer encrypts one layer to a node under a fresh one-time key.
func sealLayer(rand io.Reader, enc crypto.EncType, node *[32]byte, plaintext []byte) ([32]byte, []byte, crypto.HopKey, error) {
	eph, err := crypto.GenerateX25519(rand)
	if err != nil {
		return eph.Public, nil, crypto.HopKey{}, err
	}
	key, err := crypto.ClientHopKey(enc, &eph, node)
	if err != nil {
		return eph.Public, nil, key, fmt.Errorf("network: build onion: %w", err)
	}
	ct, err := key.Seal(rand, make([]byte, 0, len(plaintext)+crypto.HopOverhead(enc)), plaintext)
	return eph.Public, ct, key, err
}

// relayJSON is the routing JSON naming the next node. Keys are sorted, and enc_type is
// written only when it is not the default, matching what Session Desktop (aes-gcm) and
// libsession (xchacha20) send.
func relayJSON(next, eph [32]byte, enc crypto.EncType) []byte {
	r := Routing{Kind: RouteRelayNode, Destination: next, EphemeralKey: eph, EncType: enc}
	b, _ := r.MarshalJSON() // a relay routing always marshals
	return b
}

// edgeJSON is the JSON beside the outermost layer, which the guard reads in the clear.
func edgeJSON(eph [32]byte, enc crypto.EncType) []byte {
	b := make([]byte, 0, 110)
	b = append(b, '{')
	if enc != crypto.AESGCM {
		b = append(b, `"enc_type":"`...)
		b = append(b, enc.String()...)
		b = append(b, `",`...)
	}
	b = append(b, `"ephemeral_key":"`...)
	b = hex.AppendEncode(b, eph[:])
	return append(b, `"}`...)
}

// OnionEdge is what the guard reads from the HTTP body of /onion_req/v2.
type OnionEdge struct {
	Ciphertext   []byte
	EphemeralKey [32]byte
	EncType      crypto.EncType
	// HopNo is the client-supplied starting hop counter (usually 0).
	HopNo int
}

// ParseOnionEdge parses the body a client posts to /onion_req/v2: the framing of
// ParseOnionPayload with JSON {"ephemeral_key": hex, "enc_type"?: name, "hop_no"?: int}.
// Errors wrap ErrBadOnionPayload or ErrBadRouting.
func ParseOnionEdge(body []byte) (OnionEdge, error) {
	var e OnionEdge
	ct, meta, err := ParseOnionPayload(body)
	if err != nil {
		return e, err
	}
	f, ok := parseFlatObject(meta)
	if !ok {
		if err := json.Unmarshal(meta, &f); err != nil {
			return e, fmt.Errorf("%w: not a JSON object", ErrBadRouting)
		}
	}
	if e.EphemeralKey, err = requiredKey(f, "ephemeral_key"); err != nil {
		return e, err
	}
	if e.EncType, err = encTypeField(f); err != nil {
		return e, err
	}
	var hop int64
	if err := optionalField(f, "hop_no", &hop); err != nil {
		return e, err
	}
	if hop < 0 || hop > MaxOnionHops {
		return e, fmt.Errorf("%w: hop_no %d out of range", ErrBadRouting, hop)
	}
	e.Ciphertext, e.HopNo = ct, int(hop)
	return e, nil
}

// MaxOnionHops is the longest path a node relays: past it, a request is refused.
const MaxOnionHops = 15

// OnionLayer is what a node learns from peeling its layer: where the rest goes, and the
// key its reply (or the destination's) is encrypted with.
type OnionLayer struct {
	Key     crypto.HopKey
	Routing Routing
	// Inner is the next node's ciphertext (RouteRelayNode), the RPC request
	// (RouteFinal), or the whole decrypted layer to POST (RouteRelayServer).
	Inner []byte
}

// PeelOnion decrypts the layer addressed to node. Decryption failures are
// crypto.ErrDecrypt; a layer that decrypts but is not well formed wraps
// ErrBadOnionPayload or ErrBadRouting.
func PeelOnion(node *crypto.X25519KeyPair, enc crypto.EncType, eph [32]byte, ciphertext []byte) (OnionLayer, error) {
	var l OnionLayer
	key, err := crypto.NodeHopKey(enc, node, &eph)
	if err != nil {
		return l, crypto.ErrDecrypt
	}
	plain, err := key.Open(nil, ciphertext)
	if err != nil {
		return l, err
	}
	l.Key = key
	inner, meta, err := ParseOnionPayload(plain)
	if err != nil {
		return l, err
	}
	if l.Routing, err = ParseRouting(meta); err != nil {
		return l, err
	}
	l.Inner = inner
	if l.Routing.Kind == RouteRelayServer {
		l.Inner = plain
	}
	return l, nil
}

// SealOnionResponse is the destination's reply: {"body": ..., "status": N} encrypted with
// the destination key and, unless the request asked otherwise, base64-encoded. A JSON body
// is embedded as a string (double-encoded) unless the request set "json": true.
func SealOnionResponse(rand io.Reader, l *OnionLayer, status int, body []byte) ([]byte, error) {
	plain := make([]byte, 0, len(body)+len(body)/8+32)
	plain = append(plain, `{"body":`...)
	if l.Routing.JSON && json.Valid(body) {
		plain = append(plain, body...)
	} else {
		plain = appendJSONString(plain, string(body))
	}
	plain = append(plain, `,"status":`...)
	plain = strconv.AppendInt(plain, int64(status), 10)
	plain = append(plain, '}')
	ct, err := l.Key.Seal(rand, nil, plain)
	if err != nil {
		return nil, err
	}
	if !l.Routing.Base64 {
		return ct, nil
	}
	return base64.StdEncoding.AppendEncode(nil, ct), nil
}

// OpenOnionResponse decrypts the destination's reply (the HTTP body of a 200 from the
// guard) and returns the RPC status and body. A body the destination embedded as a JSON
// string is unquoted; one embedded as JSON is returned as is. Every failure to decrypt is
// crypto.ErrDecrypt.
func OpenOnionResponse(key *crypto.HopKey, httpBody []byte) (status int, body []byte, err error) {
	raw := bytes.TrimSpace(httpBody)
	ct := make([]byte, base64.StdEncoding.DecodedLen(len(raw)))
	n, err := base64.StdEncoding.Decode(ct, raw)
	if err != nil {
		return 0, nil, crypto.ErrDecrypt
	}
	plain, err := key.Open(nil, ct[:n])
	if err != nil {
		return 0, nil, err
	}
	var r struct {
		Body       json.RawMessage `json:"body"`
		Status     *int            `json:"status"`
		StatusCode *int            `json:"status_code"`
	}
	if err := json.Unmarshal(plain, &r); err != nil {
		return 0, nil, fmt.Errorf("network: onion response is not JSON: %w", err)
	}
	switch {
	case r.Status != nil:
		status = *r.Status
	case r.StatusCode != nil:
		status = *r.StatusCode
	default:
		return 0, nil, fmt.Errorf("network: onion response has no status")
	}
	body = r.Body
	if len(body) > 0 && body[0] == '"' {
		var s string
		if err := json.Unmarshal(body, &s); err != nil {
			return 0, nil, fmt.Errorf("network: onion response body: %w", err)
		}
		body = []byte(s)
	}
	return status, body, nil
}
