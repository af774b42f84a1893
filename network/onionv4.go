package network

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"allium/crypto"
)

// Onion requests v4 carry an HTTP request to a server that is not a storage node (the
// file server, a community server) through an onion path (PROTOCOL §5.5). The last node
// of the path POSTs its whole decrypted layer to the server's /oxen/v4/lsrpc; the server
// decrypts the part addressed to its own X25519 key and finds a bencoded list of one or
// two byte strings: the request's meta JSON and, if there is one, its body. It answers
// with a bencoded list of two strings, meta JSON {"code": N, "headers": {...}} and the
// body, encrypted with the same key and sent raw (not base64).

// V4Target is the endpoint an onion request v4 is posted to on the server.
const V4Target = "/oxen/v4/lsrpc"

// ErrBadV4 is wrapped by every error about the bencoded plaintext of an onion request v4
// or of its response.
var ErrBadV4 = errors.New("network: bad onion request v4")

// maxV4Length bounds a bencoded string's length field: no onion request comes near it,
// and a length that would overflow is refused before any arithmetic.
const maxV4Length = 1 << 30

// V4Request is the HTTP request inside an onion request v4.
type V4Request struct {
	// Method is GET, POST, PUT or DELETE.
	Method string `json:"method"`
	// Endpoint is the path and query on the server; it starts with '/'.
	Endpoint string `json:"endpoint"`
	// Headers are sent as they are; nil sends none.
	Headers map[string]string `json:"headers,omitempty"`
	// Body, if not nil, is the request's body (the second string of the list).
	Body []byte `json:"-"`
}

// V4Response is the server's answer inside an onion request v4.
type V4Response struct {
	// Status is the HTTP status the server chose ("code" of the meta JSON).
	Status int
	// Headers are lower-case, as the server sends them.
	Headers map[string]string
	Body    []byte
}

// EncodeV4Request returns the bencoded plaintext of r: l<len>:<meta>[<len>:<body>]e.
// The meta JSON has its keys in the order method, endpoint, headers, as Session Desktop
// writes them (the server does not depend on the order).
func EncodeV4Request(r V4Request) ([]byte, error) {
	meta, err := v4Meta(r)
	if err != nil {
		return nil, err
	}
	return appendV4Request(make([]byte, 0, len(meta)+len(r.Body)+24), meta, r.Body), nil
}

func v4Meta(r V4Request) ([]byte, error) {
	if !strings.HasPrefix(r.Endpoint, "/") {
		return nil, fmt.Errorf("%w: endpoint %q does not start with /", ErrBadV4, r.Endpoint)
	}
	if r.Method == "" {
		return nil, fmt.Errorf("%w: no method", ErrBadV4)
	}
	meta, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadV4, err)
	}
	return meta, nil
}

func appendV4Request(b, meta, body []byte) []byte {
	b = append(b, 'l')
	b = appendBencodeString(b, meta)
	if body != nil {
		b = appendBencodeString(b, body)
	}
	return append(b, 'e')
}

// ParseV4Request parses the plaintext a server decrypted from an onion request v4. The
// meta must be a JSON object with a method and an endpoint starting with '/'.
func ParseV4Request(b []byte) (V4Request, error) {
	var r V4Request
	parts, err := parseBencodeList(b)
	if err != nil {
		return r, err
	}
	var meta struct {
		Method   *string           `json:"method"`
		Endpoint *string           `json:"endpoint"`
		Headers  map[string]string `json:"headers"`
	}
	if err := json.Unmarshal(parts[0], &meta); err != nil || !isJSONObject(parts[0]) {
		return r, fmt.Errorf("%w: the request's meta is not a JSON object", ErrBadV4)
	}
	if meta.Method == nil || *meta.Method == "" {
		return r, fmt.Errorf("%w: the request names no method", ErrBadV4)
	}
	if meta.Endpoint == nil || !strings.HasPrefix(*meta.Endpoint, "/") {
		return r, fmt.Errorf("%w: the endpoint must start with /", ErrBadV4)
	}
	r.Method, r.Endpoint, r.Headers = *meta.Method, *meta.Endpoint, meta.Headers
	if len(parts) == 2 {
		r.Body = parts[1]
	}
	return r, nil
}

// EncodeV4Response returns the bencoded plaintext of a server's answer.
func EncodeV4Response(r V4Response) []byte {
	meta := v4ResponseMeta(r.Status, r.Headers)
	b := make([]byte, 0, len(meta)+len(r.Body)+24)
	b = append(b, 'l')
	b = appendBencodeString(b, meta)
	b = appendBencodeString(b, r.Body)
	return append(b, 'e')
}

// ParseV4Response parses the decrypted answer of a server: its status from "code" of
// the meta JSON, and the body (empty when the list holds only the meta).
func ParseV4Response(b []byte) (V4Response, error) {
	var r V4Response
	parts, err := parseBencodeList(b)
	if err != nil {
		return r, err
	}
	var meta struct {
		Code    *int              `json:"code"`
		Headers map[string]string `json:"headers"`
	}
	if !isJSONObject(parts[0]) || json.Unmarshal(parts[0], &meta) != nil || meta.Code == nil {
		return r, fmt.Errorf("%w: the response's meta has no status code", ErrBadV4)
	}
	if *meta.Code < 100 || *meta.Code > 999 {
		return r, fmt.Errorf("%w: status code %d", ErrBadV4, *meta.Code)
	}
	r.Status, r.Headers = *meta.Code, meta.Headers
	if len(parts) == 2 {
		r.Body = parts[1]
	}
	return r, nil
}

func v4ResponseMeta(status int, headers map[string]string) []byte {
	meta, _ := json.Marshal(struct {
		Code    int               `json:"code"`
		Headers map[string]string `json:"headers"`
	}{status, headers}) // a map of strings always marshals
	return meta
}

// bencodeLen is the length of a bencoded string of n bytes.
func bencodeLen(n int) int { return len(strconv.Itoa(n)) + 1 + n }

func appendBencodeString(b, s []byte) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

// parseBencodeList reads l<len>:<bytes>[<len>:<bytes>]e and nothing after it. Lengths are
// decimal without leading zeros. The strings returned share b's memory.
func parseBencodeList(b []byte) ([][]byte, error) {
	if len(b) < 2 || b[0] != 'l' {
		return nil, fmt.Errorf("%w: not a bencoded list", ErrBadV4)
	}
	rest := b[1:]
	var parts [][]byte
	for len(rest) > 0 && rest[0] != 'e' {
		if len(parts) == 2 {
			return nil, fmt.Errorf("%w: more than two parts", ErrBadV4)
		}
		colon := bytes.IndexByte(rest, ':')
		if colon < 1 || colon > 10 || (rest[0] == '0' && colon > 1) {
			return nil, fmt.Errorf("%w: bad string length", ErrBadV4)
		}
		n := 0
		for _, c := range rest[:colon] {
			if c < '0' || c > '9' {
				return nil, fmt.Errorf("%w: bad string length", ErrBadV4)
			}
			n = n*10 + int(c-'0')
		}
		if n > maxV4Length || n > len(rest)-colon-1 {
			return nil, fmt.Errorf("%w: a string runs past the end", ErrBadV4)
		}
		parts = append(parts, rest[colon+1:colon+1+n])
		rest = rest[colon+1+n:]
	}
	if len(rest) != 1 {
		return nil, fmt.Errorf("%w: the list is not closed at the end", ErrBadV4)
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("%w: an empty list", ErrBadV4)
	}
	return parts, nil
}

// ServerHop names the server an onion request v4 goes to: where the last node posts it
// and the server's X25519 key, to which the innermost layer is encrypted.
type ServerHop struct {
	Host string
	// Port is 0 for the protocol's default (443 for https, 80 for http).
	Port uint16
	// Protocol is "http" or "https".
	Protocol string
	X25519   [32]byte
}

// BuildOnionToServer wraps plaintext (an EncodeV4Request result) for srv and then in one
// layer per node of path, from the last to the guard. The last node's routing JSON names
// the server's host, port, protocol and the v4 target, with the ephemeral key the
// server's layer uses (PROTOCOL §5.5).
func BuildOnionToServer(rand io.Reader, enc crypto.EncType, path []OnionHop, srv ServerHop, plaintext []byte) (OnionRequest, error) {
	return buildV4Onion(rand, enc, path, srv, len(plaintext), func(b []byte) []byte { return append(b, plaintext...) })
}

// BuildV4Onion encodes r and wraps it as BuildOnionToServer does. The request is encoded
// into one buffer with room for every layer, and each layer is sealed in place, so a
// request carrying a file costs one copy of the file, not one per layer.
func BuildV4Onion(rand io.Reader, enc crypto.EncType, path []OnionHop, srv ServerHop, r V4Request) (OnionRequest, error) {
	meta, err := v4Meta(r)
	if err != nil {
		return OnionRequest{}, err
	}
	size := 2 + bencodeLen(len(meta))
	if r.Body != nil {
		size += bencodeLen(len(r.Body))
	}
	return buildV4Onion(rand, enc, path, srv, size, func(b []byte) []byte { return appendV4Request(b, meta, r.Body) })
}

// hopTag is the authentication tag's size in both hop ciphers (AES-GCM, Poly1305); the
// rest of crypto.HopOverhead is the nonce, which comes first.
const hopTag = 16

func hopNonce(enc crypto.EncType) int { return crypto.HopOverhead(enc) - hopTag }

// buildV4Onion lays out one buffer: room in front for each layer's length prefix and
// nonce, the plaintext fill appends (plainLen bytes), and room behind for each layer's
// tag and routing JSON. A layer is sealed where its plaintext lies (the AEADs allow an
// output that starts exactly at its input), its nonce just before, its tag and JSON just
// after. The random reads happen in the order of a layer-by-layer build: ephemeral key,
// then nonce, from the server's layer out to the guard's.
func buildV4Onion(rand io.Reader, enc crypto.EncType, path []OnionHop, srv ServerHop, plainLen int, fill func([]byte) []byte) (OnionRequest, error) {
	var req OnionRequest
	if len(path) == 0 {
		return req, fmt.Errorf("network: build onion: no path")
	}
	port := srv.Port
	if port == 0 {
		port = 443
		if srv.Protocol == "http" {
			port = 80
		}
	}
	ns := hopNonce(enc)
	layers := len(path) + 1
	front := layers * (4 + ns)
	// A routing JSON is under 300 bytes besides the host; should one be longer, append
	// grows the buffer and the build stays correct, at the cost of a copy.
	back := layers * (hopTag + 300 + len(srv.Host) + len(srv.Protocol))
	buf := fill(make([]byte, front, front+plainLen+back))
	start := front
	// seal encrypts buf[start:] to the node's key in place and moves start to its nonce.
	seal := func(to *[32]byte) ([32]byte, crypto.HopKey, error) {
		eph, err := crypto.GenerateX25519(rand)
		if err != nil {
			return eph.Public, crypto.HopKey{}, err
		}
		key, err := crypto.ClientHopKey(enc, &eph, to)
		if err != nil {
			return eph.Public, key, fmt.Errorf("network: build onion: %w", err)
		}
		if cap(buf)-len(buf) < hopTag {
			buf = slices.Grow(buf, hopTag)
		}
		n := start - ns
		ct, err := key.Seal(rand, buf[n:n], buf[start:])
		if err != nil {
			return eph.Public, key, err
		}
		buf, start = buf[:n+len(ct)], n
		return eph.Public, key, nil
	}
	// frame puts the length prefix before the sealed layer and meta after it.
	frame := func(meta []byte) {
		binary.LittleEndian.PutUint32(buf[start-4:], uint32(len(buf)-start))
		start -= 4
		buf = append(buf, meta...)
	}
	eph, key, err := seal(&srv.X25519)
	if err != nil {
		return req, err
	}
	req.Key = key
	routing, err := Routing{Kind: RouteRelayServer, EphemeralKey: eph, EncType: enc,
		Host: srv.Host, Port: port, Protocol: srv.Protocol, Target: V4Target}.MarshalJSON()
	if err != nil {
		return req, err
	}
	frame(routing)
	last := len(path) - 1
	if eph, _, err = seal(&path[last].X25519); err != nil {
		return req, err
	}
	next := path[last].Ed25519
	for i := last - 1; i >= 0; i-- {
		frame(relayJSON(next, eph, enc))
		if eph, _, err = seal(&path[i].X25519); err != nil {
			return req, err
		}
		next = path[i].Ed25519
	}
	frame(edgeJSON(eph, enc))
	req.Body = buf[start:]
	return req, nil
}

// OpenServerLayer is the server's side of an onion request v4: body is what the last
// node posted (the framing of ParseOnionPayload, with the routing JSON naming the
// ephemeral key and encryption). It returns the plaintext and the key that seals the
// answer. It decrypts in place: the plaintext shares body's memory, whose bytes it
// overwrites, so that a file uploaded costs the server no second copy. Decryption
// failures are crypto.ErrDecrypt.
func OpenServerLayer(server *crypto.X25519KeyPair, body []byte) ([]byte, crypto.HopKey, error) {
	ct, meta, err := ParseOnionPayload(body)
	if err != nil {
		return nil, crypto.HopKey{}, err
	}
	r, err := ParseRouting(meta)
	if err != nil {
		return nil, crypto.HopKey{}, err
	}
	if r.Kind != RouteRelayServer || r.EphemeralKey == ([32]byte{}) {
		return nil, crypto.HopKey{}, fmt.Errorf("%w: no ephemeral key for the server", ErrBadRouting)
	}
	key, err := crypto.NodeHopKey(r.EncType, server, &r.EphemeralKey)
	if err != nil {
		return nil, key, crypto.ErrDecrypt
	}
	plain, err := openInPlace(&key, ct)
	if err != nil {
		return nil, key, err
	}
	return plain, key, nil
}

// openInPlace decrypts nonce || ciphertext || tag into the ciphertext's own bytes.
func openInPlace(key *crypto.HopKey, ct []byte) ([]byte, error) {
	ns := hopNonce(key.EncType())
	if len(ct) < ns+hopTag {
		return nil, crypto.ErrDecrypt
	}
	return key.Open(ct[ns:ns], ct)
}

// SealV4Response encrypts a server's answer with the request's key, raw (v4 answers are
// not base64-encoded).
func SealV4Response(rand io.Reader, key *crypto.HopKey, r V4Response) ([]byte, error) {
	return key.Seal(rand, nil, EncodeV4Response(r))
}

// SealV4ResponseFrom is SealV4Response for a body of size bytes read from body (a file
// on disk): the answer is encoded and sealed in one buffer, so a file sent back costs
// one copy of it.
func SealV4ResponseFrom(rand io.Reader, key *crypto.HopKey, status int, headers map[string]string, body io.Reader, size int) ([]byte, error) {
	meta := v4ResponseMeta(status, headers)
	ns := hopNonce(key.EncType())
	buf := make([]byte, ns, ns+2+bencodeLen(len(meta))+bencodeLen(size)+hopTag)
	buf = append(buf, 'l')
	buf = appendBencodeString(buf, meta)
	buf = strconv.AppendInt(buf, int64(size), 10)
	buf = append(buf, ':')
	n := len(buf)
	buf = buf[:n+size]
	if _, err := io.ReadFull(body, buf[n:]); err != nil {
		return nil, fmt.Errorf("network: v4 response body: %w", err)
	}
	buf = append(buf, 'e')
	// The nonce goes in the room left in front, the ciphertext over the plaintext.
	return key.Seal(rand, buf[:0], buf[ns:])
}

// OpenV4Response decrypts and parses a server's answer to an onion request v4. Servers
// send it raw; an answer made only of base64 characters, as older servers sent, is
// decoded first (a raw answer that long is all base64 characters with a probability
// under 2^-56), and tried raw if it does not open so. A raw answer is decrypted in
// place: the response's body shares httpBody's memory. Every failure to decrypt is
// crypto.ErrDecrypt.
func OpenV4Response(key *crypto.HopKey, httpBody []byte) (V4Response, error) {
	if raw := bytes.TrimSpace(httpBody); isBase64(raw) {
		ct := make([]byte, base64.StdEncoding.DecodedLen(len(raw)))
		if n, err := base64.StdEncoding.Decode(ct, raw); err == nil {
			if plain, err := openInPlace(key, ct[:n]); err == nil {
				return ParseV4Response(plain)
			}
		}
	}
	plain, err := openInPlace(key, httpBody)
	if err != nil {
		return V4Response{}, err
	}
	return ParseV4Response(plain)
}

func isBase64(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}
