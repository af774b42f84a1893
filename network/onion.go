package network

import (
	"allium/crypto"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Onion requests (PROTOCOL §5) wrap a request in one encrypted layer per hop.
// Every layer, and the HTTP body posted to the first hop, is framed as
//
//	u32 little-endian N || N bytes of ciphertext || UTF-8 JSON object
//
// and after decrypting its layer a node finds the same framing again, with
// routing JSON saying where the inner ciphertext goes next.

// AppendOnionPayload appends the framing [u32 LE len(ciphertext)]
// [ciphertext][meta] to dst and returns the extended slice. meta is written
// as given; it should be a JSON object.
func AppendOnionPayload(dst, ciphertext, meta []byte) []byte {
	if uint64(len(ciphertext)) > math.MaxUint32 {
		panic("network: onion ciphertext longer than a u32 length")
	}
	dst = slices.Grow(dst, 4+len(ciphertext)+len(meta))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(ciphertext)))
	dst = append(dst, ciphertext...)
	return append(dst, meta...)
}

// ParseOnionPayload splits an onion layer into its ciphertext and its JSON.
// Both are sub-slices of b, not copies; ciphertext's capacity ends where the
// JSON starts, so appending to it cannot overwrite the JSON. An empty
// ciphertext, an empty JSON part, or JSON that is not exactly one UTF-8
// object (surrounding whitespace allowed) are errors wrapping
// ErrBadOnionPayload.
func ParseOnionPayload(b []byte) (ciphertext, meta []byte, err error) {
	if len(b) < 4 {
		return nil, nil, fmt.Errorf("%w: %d bytes is shorter than the length prefix", ErrBadOnionPayload, len(b))
	}
	n := binary.LittleEndian.Uint32(b)
	rest := b[4:]
	// Compare as uint64 so that a huge N cannot wrap on 32-bit platforms.
	if uint64(n) > uint64(len(rest)) {
		return nil, nil, fmt.Errorf("%w: ciphertext length %d runs past the %d bytes that follow", ErrBadOnionPayload, n, len(rest))
	}
	if n == 0 {
		return nil, nil, fmt.Errorf("%w: empty ciphertext", ErrBadOnionPayload)
	}
	ciphertext, meta = rest[:n:n], rest[n:]
	if len(meta) == 0 {
		return nil, nil, fmt.Errorf("%w: no JSON after the ciphertext", ErrBadOnionPayload)
	}
	if !isJSONObject(meta) {
		return nil, nil, fmt.Errorf("%w: JSON part is not a single UTF-8 object", ErrBadOnionPayload)
	}
	return ciphertext, meta, nil
}

// isJSONObject reports whether b is one valid JSON object, optionally
// surrounded by whitespace. json.Valid does not check the UTF-8 inside
// strings, so that is checked separately.
func isJSONObject(b []byte) bool {
	if scanFlatObject(b, nil) {
		return true // ASCII, so UTF-8 too
	}
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && t[0] == '{' && json.Valid(b) && utf8.Valid(b)
}

// RouteKind says what a node does with a decrypted onion layer.
type RouteKind uint8

const (
	// RouteFinal: this node is the destination; the inner bytes are a
	// storage RPC request. Chosen when the JSON has a "headers" key.
	RouteFinal RouteKind = iota + 1
	// RouteRelayNode: pass the inner ciphertext to the next node. Chosen
	// when the JSON has neither "headers" nor "host".
	RouteRelayNode
	// RouteRelayServer: POST the whole decrypted layer to an HTTP server.
	// Chosen when the JSON has a "host" key (and no "headers").
	RouteRelayServer
)

func (k RouteKind) String() string {
	switch k {
	case RouteFinal:
		return "final"
	case RouteRelayNode:
		return "relay-node"
	case RouteRelayServer:
		return "relay-server"
	}
	return "RouteKind(" + strconv.Itoa(int(k)) + ")"
}

// Routing is the routing JSON of a decrypted onion layer (PROTOCOL §5.3).
// Which fields are meaningful depends on Kind.
type Routing struct {
	Kind RouteKind

	// Destination is the next node's Ed25519 key (RouteRelayNode).
	Destination [32]byte
	// EphemeralKey is the client's X25519 key for the next layer
	// (RouteRelayNode), or for the server's layer (RouteRelayServer, where
	// it is optional and zero when absent: the node forwards it untouched).
	EphemeralKey [32]byte
	// EncType is the next layer's encryption, AES-GCM when the JSON names
	// none (RouteRelayNode, RouteRelayServer).
	EncType crypto.EncType

	// Host, Target, Port and Protocol say where to POST (RouteRelayServer).
	// Port defaults to 443 and Protocol to "https"; Protocol is "http" or
	// "https". Target is not checked here; see ValidProxyTarget.
	Host     string
	Target   string
	Port     uint16
	Protocol string

	// Base64 says whether the destination base64-encodes its encrypted
	// response (JSON "base64", default true) and JSON whether it embeds a
	// JSON RPC body instead of dumping it to a string (JSON "json", default
	// false) (RouteFinal).
	Base64 bool
	JSON   bool
}

// ParseRouting interprets the JSON part of a decrypted onion layer. A key
// "headers" (any value) makes it RouteFinal, else a key "host" makes it
// RouteRelayServer, else it is RouteRelayNode and needs "destination" and
// "ephemeral_key" as 64 hex digits each. Present fields of the wrong type or
// value are errors wrapping ErrBadRouting; unknown keys are ignored.
func ParseRouting(meta []byte) (Routing, error) {
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD.
	if !utf8.Valid(meta) {
		return Routing{}, fmt.Errorf("%w: not UTF-8", ErrBadRouting)
	}
	f, ok := parseFlatObject(meta)
	if !ok {
		if err := json.Unmarshal(meta, &f); err != nil || f == nil {
			return Routing{}, fmt.Errorf("%w: not a JSON object", ErrBadRouting)
		}
	}
	if _, ok := f["headers"]; ok {
		r := Routing{Kind: RouteFinal, Base64: true}
		if err := optionalField(f, "base64", &r.Base64); err != nil {
			return Routing{}, err
		}
		if err := optionalField(f, "json", &r.JSON); err != nil {
			return Routing{}, err
		}
		return r, nil
	}
	if _, ok := f["host"]; ok {
		return parseRelayServer(f)
	}
	return parseRelayNode(f)
}

func parseRelayNode(f map[string]json.RawMessage) (Routing, error) {
	r := Routing{Kind: RouteRelayNode}
	var err error
	if r.Destination, err = requiredKey(f, "destination"); err != nil {
		return Routing{}, err
	}
	if r.EphemeralKey, err = requiredKey(f, "ephemeral_key"); err != nil {
		return Routing{}, err
	}
	if r.EncType, err = encTypeField(f); err != nil {
		return Routing{}, err
	}
	return r, nil
}

func parseRelayServer(f map[string]json.RawMessage) (Routing, error) {
	r := Routing{Kind: RouteRelayServer, Port: 443, Protocol: "https"}
	port := int64(r.Port)
	for _, err := range []error{
		optionalField(f, "host", &r.Host),
		optionalField(f, "target", &r.Target),
		optionalField(f, "port", &port),
		optionalField(f, "protocol", &r.Protocol),
	} {
		if err != nil {
			return Routing{}, err
		}
	}
	switch {
	case r.Host == "":
		return Routing{}, fmt.Errorf("%w: empty host", ErrBadRouting)
	case r.Target == "":
		return Routing{}, fmt.Errorf("%w: missing target", ErrBadRouting)
	case port < 1 || port > math.MaxUint16:
		return Routing{}, fmt.Errorf("%w: port out of range", ErrBadRouting)
	case r.Protocol != "http" && r.Protocol != "https":
		return Routing{}, fmt.Errorf("%w: protocol is neither http nor https", ErrBadRouting)
	}
	r.Port = uint16(port)
	var err error
	// The node only forwards the key; it is optional here and checked when
	// present so that a malformed one fails at the first node.
	if _, ok := f["ephemeral_key"]; ok {
		if r.EphemeralKey, err = requiredKey(f, "ephemeral_key"); err != nil {
			return Routing{}, err
		}
	}
	if r.EncType, err = encTypeField(f); err != nil {
		return Routing{}, err
	}
	return r, nil
}

// optionalField decodes f[key] into v when the key is present. null counts
// as a wrong type: the storage server would not accept it either.
func optionalField[T bool | string | int64](f map[string]json.RawMessage, key string, v *T) error {
	raw, ok := f[key]
	if !ok {
		return nil
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) || decodeFlat(raw, v) != nil {
		var zero T
		return fmt.Errorf("%w: %q is not a JSON %s", ErrBadRouting, key, jsonTypeName(zero))
	}
	return nil
}

func jsonTypeName(v any) string {
	switch v.(type) {
	case bool:
		return "boolean"
	case string:
		return "string"
	default:
		return "integer"
	}
}

// requiredKey decodes f[key] as a 32-byte key in hex.
func requiredKey(f map[string]json.RawMessage, key string) ([32]byte, error) {
	var k [32]byte
	var s string
	if _, ok := f[key]; !ok {
		return k, fmt.Errorf("%w: missing %q", ErrBadRouting, key)
	}
	if err := optionalField(f, key, &s); err != nil {
		return k, err
	}
	if len(s) != hex.EncodedLen(len(k)) {
		return k, fmt.Errorf("%w: %q is not %d hex digits", ErrBadRouting, key, hex.EncodedLen(len(k)))
	}
	if _, err := hex.Decode(k[:], []byte(s)); err != nil {
		return k, fmt.Errorf("%w: %q is not hex", ErrBadRouting, key)
	}
	return k, nil
}

func encTypeField(f map[string]json.RawMessage) (crypto.EncType, error) {
	if _, ok := f["enc_type"]; !ok {
		return crypto.AESGCM, nil
	}
	var s string
	if err := optionalField(f, "enc_type", &s); err != nil {
		return 0, err
	}
	t, err := crypto.ParseEncType(s)
	if err != nil || s == "" {
		return 0, fmt.Errorf("%w: %w: %q", ErrBadRouting, ErrUnknownEncType, s)
	}
	return t, nil
}

// MarshalJSON returns the routing JSON of r, compact with sorted keys, the
// form libsession writes. Fields at their defaults are left out where the
// server's default is the same ("enc_type" when AES-GCM, "base64" when true,
// "json" when false), which also matches what Session Desktop writes for a
// relay. A RouteFinal layer gets "headers":"". Zero Port, Protocol and
// EncType mean their defaults. Note that the zero value of Base64 is false,
// which asks the destination for a raw binary response.
func (r Routing) MarshalJSON() ([]byte, error) {
	encType := r.EncType
	var b []byte
	switch r.Kind {
	case RouteFinal:
		b = append(b, '{')
		if !r.Base64 {
			b = append(b, `"base64":false,`...)
		}
		b = append(b, `"headers":""`...)
		if r.JSON {
			b = append(b, `,"json":true`...)
		}
		b = append(b, '}')
	case RouteRelayNode:
		b = append(b, `{"destination":"`...)
		b = hex.AppendEncode(b, r.Destination[:])
		b = append(b, '"')
		b = appendEncType(b, encType)
		b = append(b, `,"ephemeral_key":"`...)
		b = hex.AppendEncode(b, r.EphemeralKey[:])
		b = append(b, `"}`...)
	case RouteRelayServer:
		port, protocol := r.Port, r.Protocol
		if port == 0 {
			port = 443
		}
		if protocol == "" {
			protocol = "https"
		}
		if r.Host == "" || r.Target == "" || (protocol != "http" && protocol != "https") {
			return nil, fmt.Errorf("%w: relay to server needs host, target and http or https", ErrBadRouting)
		}
		b = append(b, '{')
		if encType != crypto.AESGCM {
			b = append(b, `"enc_type":"`...)
			b = append(b, encType.String()...)
			b = append(b, `",`...)
		}
		if r.EphemeralKey != ([32]byte{}) {
			b = append(b, `"ephemeral_key":"`...)
			b = hex.AppendEncode(b, r.EphemeralKey[:])
			b = append(b, `",`...)
		}
		b = append(b, `"host":`...)
		b = appendJSONString(b, r.Host)
		b = append(b, `,"method":"POST","port":`...)
		b = strconv.AppendUint(b, uint64(port), 10)
		b = append(b, `,"protocol":"`...)
		b = append(b, protocol...)
		b = append(b, `","target":`...)
		b = appendJSONString(b, r.Target)
		b = append(b, '}')
	default:
		return nil, fmt.Errorf("%w: unknown kind %v", ErrBadRouting, r.Kind)
	}
	return b, nil
}

func appendEncType(b []byte, t crypto.EncType) []byte {
	if t == crypto.AESGCM {
		return b
	}
	b = append(b, `,"enc_type":"`...)
	b = append(b, t.String()...)
	return append(b, '"')
}

func appendJSONString(b []byte, s string) []byte {
	// An Encoder without HTML escaping writes <, > and & as themselves, as the storage
	// server's JSON library does.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		// Encoding a string cannot fail: invalid UTF-8 becomes U+FFFD.
		panic("network: " + err.Error())
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// ValidProxyTarget reports whether a node may POST to target when relaying an
// onion request to an HTTP server (PROTOCOL §5.3): it must start with /loki/
// or /oxen/, end with /lsrpc and hold no query ('?').
func ValidProxyTarget(target string) bool {
	return (strings.HasPrefix(target, "/loki/") || strings.HasPrefix(target, "/oxen/")) &&
		strings.HasSuffix(target, "/lsrpc") &&
		!strings.Contains(target, "?")
}
