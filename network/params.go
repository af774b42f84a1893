package network

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Every method's Parse function (ParseStore, ParseRetrieve, …) checks
// everything the storage server checks before it acts on a request, in its
// order: first the params (400), then TTL (403), clock (406) and signature
// (401). Each takes the node's clock; the only check left to the caller is
// whether the pubkey belongs to its swarm (421). The returned requests
// marshal back to their params with json.Marshal. This file holds what they
// share: reading the params object, and writing the fields that several
// methods send alike.

// paramReader reads the fields of a params object. The first problem is
// kept in err as a 400; once it is set, every read returns zero values, so
// a parser reads all its fields and checks err once.
type paramReader struct {
	fields map[string]json.RawMessage
	err    *RPCError
}

func newParamReader(params json.RawMessage) *paramReader {
	r := &paramReader{}
	params = bytes.TrimSpace(params)
	if len(params) == 0 || isJSONNull(params) {
		return r
	}
	if !isJSONObjectValue(params) || json.Unmarshal(params, &r.fields) != nil {
		r.fail("params must be a JSON object")
	}
	return r
}

func (r *paramReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = invalidRequestf(format, args...)
	}
}

// get returns the raw value of a field; a null counts as absent.
func (r *paramReader) get(name string) (json.RawMessage, bool) {
	v, ok := r.fields[name]
	if !ok || isJSONNull(v) {
		return nil, false
	}
	return v, true
}

func (r *paramReader) wrongType(name, want string) {
	r.fail("Invalid value given for '%s': expected %s", name, want)
}

func (r *paramReader) require(name string, present bool) {
	if !present {
		r.fail("Required field '%s' missing", name)
	}
}

func (r *paramReader) exactlyOne(a string, hasA bool, b string, hasB bool) {
	switch {
	case hasA && hasB:
		r.fail("Cannot specify both '%s' and '%s'", a, b)
	case !hasA && !hasB:
		r.fail("Required field '%s' or '%s' missing", a, b)
	}
}

func (r *paramReader) str(name string) (string, bool) {
	v, ok := r.get(name)
	if !ok || r.err != nil {
		return "", false
	}
	var s string
	if !isJSONString(v) || json.Unmarshal(v, &s) != nil {
		r.wrongType(name, "string")
		return "", false
	}
	return s, true
}

func (r *paramReader) boolean(name string) (bool, bool) {
	v, ok := r.get(name)
	if !ok || r.err != nil {
		return false, false
	}
	switch string(v) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	r.wrongType(name, "boolean")
	return false, false
}

// parseJSONInt parses a JSON number that is written as an integer; 1.0 and
// 1e3 are not integers to the storage server either.
func parseJSONInt(v json.RawMessage) (int64, bool) {
	if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
		return 0, false
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	return n, err == nil
}

// integer reads an integer in [lo, hi]; desc names the type in errors.
func (r *paramReader) integer(name string, lo, hi int64, desc string) (int64, bool) {
	v, ok := r.get(name)
	if !ok || r.err != nil {
		return 0, false
	}
	n, ok := parseJSONInt(v)
	if !ok || n < lo || n > hi {
		r.wrongType(name, desc)
		return 0, false
	}
	return n, true
}

// minMillis is the smallest timestamp taken as milliseconds. Anything below
// it (September 2001) is almost surely seconds sent by mistake; the storage
// server's own bound is lower (10⁹), but no real request is affected.
const minMillis = 1_000_000_000_000

func (r *paramReader) checkMillis(name string, ms int64) bool {
	if ms < minMillis {
		r.fail("Invalid timestamp for '%s': timestamp must be in milliseconds", name)
		return false
	}
	return true
}

// timestamp reads a time in ms since the epoch.
func (r *paramReader) timestamp(name string) (int64, bool) {
	ms, ok := r.integer(name, 0, math.MaxInt64, "integer timestamp (in milliseconds)")
	return ms, ok && r.checkMillis(name, ms)
}

// timestampList reads one time in ms or a list of them.
func (r *paramReader) timestampList(name string) ([]int64, bool) {
	v, ok := r.get(name)
	if !ok || r.err != nil {
		return nil, false
	}
	if v[0] != '[' {
		ms, ok := r.timestamp(name)
		if !ok {
			return nil, false
		}
		return []int64{ms}, true
	}
	var items []json.RawMessage
	if json.Unmarshal(v, &items) != nil {
		r.wrongType(name, "timestamp array")
		return nil, false
	}
	list := make([]int64, 0, len(items))
	for _, it := range items {
		ms, ok := parseJSONInt(it)
		if !ok || ms < 0 {
			r.wrongType(name, "timestamp array")
			return nil, false
		}
		if !r.checkMillis(name, ms) {
			return nil, false
		}
		list = append(list, ms)
	}
	return list, true
}

// decimalOrInt reads a non-negative integer given as a JSON number or, for
// store's backwards compatibility, as a decimal string. millis asks for the
// check that it is a time in ms.
func (r *paramReader) decimalOrInt(name string, millis bool) (int64, bool) {
	v, ok := r.get(name)
	if !ok || r.err != nil {
		return 0, false
	}
	var n int64
	if isJSONString(v) {
		s, _ := r.str(name)
		var err error
		n, err = strconv.ParseInt(s, 10, 64)
		if err != nil || s[0] == '+' || n < 0 {
			r.fail("Invalid value given for '%s': %s", name, v)
			return 0, false
		}
	} else if n, ok = parseJSONInt(v); !ok || n < 0 {
		desc := "positive integer"
		if millis {
			desc = "integer timestamp (in milliseconds)"
		}
		r.wrongType(name, desc)
		return 0, false
	}
	if millis && !r.checkMillis(name, n) {
		return 0, false
	}
	return n, true
}

// strList reads a list of strings; a single string is a list of one.
func (r *paramReader) strList(name string) ([]string, bool) {
	v, ok := r.get(name)
	if !ok || r.err != nil {
		return nil, false
	}
	if isJSONString(v) {
		s, ok := r.str(name)
		return []string{s}, ok
	}
	var items []json.RawMessage
	if v[0] != '[' || json.Unmarshal(v, &items) != nil {
		r.wrongType(name, "string array")
		return nil, false
	}
	list := make([]string, len(items))
	for i, it := range items {
		if !isJSONString(it) || json.Unmarshal(it, &list[i]) != nil {
			r.wrongType(name, "string array")
			return nil, false
		}
	}
	return list, true
}

// hashes checks the required "messages" list of message hashes.
func (r *paramReader) hashes(list []string, present bool) []string {
	r.require("messages", present)
	if r.err != nil {
		return nil
	}
	if len(list) == 0 {
		r.fail("messages does not contain any message hashes")
		return nil
	}
	for _, h := range list {
		if !ValidHash(h) {
			// A real hash is 43 characters; cut anything longer so the
			// answer does not echo a large request back.
			if len(h) > HashLen+1 {
				h = h[:HashLen+1] + "…"
			}
			r.fail("invalid message hash: %s", h)
			return nil
		}
	}
	return list
}

func (r *paramReader) namespace(name string) (Namespace, bool) {
	v, ok := r.get(name)
	if !ok || r.err != nil {
		return DefaultNamespace, false
	}
	n, ok := parseJSONInt(v)
	if !ok {
		r.wrongType(name, "16-bit integer")
		return DefaultNamespace, false
	}
	if n < math.MinInt16 || n > math.MaxInt16 {
		r.fail("Invalid value given for '%s': value out of range", name)
		return DefaultNamespace, false
	}
	return Namespace(n), true
}

// namespaceOrAll reads an integer namespace or "all"; absent is the
// default namespace.
func (r *paramReader) namespaceOrAll(name string) NamespaceOrAll {
	v, ok := r.get(name)
	if !ok || r.err != nil {
		return NamespaceOrAll{}
	}
	if isJSONString(v) {
		if s, _ := r.str(name); s == "all" {
			return AllNamespaces()
		}
		r.wrongType(name, `integer or "all"`)
		return NamespaceOrAll{}
	}
	if _, isInt := parseJSONInt(v); !isInt {
		r.wrongType(name, `integer or "all"`)
		return NamespaceOrAll{}
	}
	ns, _ := r.namespace(name)
	return OneNamespace(ns)
}

// pubkey reads the required 66-hex-digit account pubkey; alias allows the
// older spelling pubKey, as store, retrieve and get_swarm do.
func (r *paramReader) pubkey(alias bool) [33]byte {
	var pk [33]byte
	s, ok := r.str("pubkey")
	if alias {
		alt, hasAlt := r.str("pubKey")
		if ok && hasAlt {
			r.fail("Cannot specify both 'pubkey' and 'pubKey'")
		} else if hasAlt {
			s, ok = alt, true
		}
	}
	r.require("pubkey", ok)
	if r.err != nil {
		return pk
	}
	if len(s) != 2*len(pk) {
		r.fail("Pubkey must be 66 hex digits (33 bytes) long")
		return pk
	}
	if _, err := hex.Decode(pk[:], []byte(s)); err != nil {
		r.fail("Pubkey must be 66 hex digits (33 bytes) long")
	}
	return pk
}

// auth reads the required signature and the optional pubkey_ed25519 of a
// signed request, without checking them. explicitEd reports that
// pubkey_ed25519 was given.
func (r *paramReader) auth(pubkey [33]byte) (a Auth, explicitEd bool) {
	sig, hasSig := r.str("signature")
	ed, hasEd := r.str("pubkey_ed25519")
	r.require("signature", hasSig)
	if r.err != nil {
		return Auth{}, false
	}
	if hasEd {
		switch {
		case pubkey[0] != sessionPrefix:
			r.fail("pubkey_ed25519 is only permitted for 05[...] pubkeys")
		case len(ed) != 2*len(a.Ed25519):
			r.fail("Invalid pubkey_ed25519: expected 64 hex char pubkey")
		default:
			if _, err := hex.Decode(a.Ed25519[:], []byte(ed)); err != nil {
				r.fail("invalid pubkey_ed25519: value is not hex")
			}
		}
	} else {
		a.Ed25519 = [32]byte(pubkey[1:])
	}
	if r.err != nil {
		return Auth{}, false
	}
	s, err := ParseSignatureBase64(sig)
	if err != nil {
		r.fail("invalid signature: expected base64 encoded Ed25519 signature")
		return Auth{}, false
	}
	a.Signature = [64]byte(s)
	return a, hasEd
}

// The helpers below look at a JSON value that encoding/json has already
// validated, such as a json.RawMessage taken from a decoded object, so the
// first byte decides its type.

func isJSONString(v json.RawMessage) bool { return len(v) > 0 && v[0] == '"' }

func isJSONNull(v json.RawMessage) bool { return bytes.Equal(v, []byte("null")) }

func isJSONObjectValue(v json.RawMessage) bool { return len(v) > 0 && v[0] == '{' }

// Each request's MarshalJSON gives it its params form, as Session Desktop
// sends it, and its New…Params builder signs and marshals it. The types
// below are the fields that several requests write alike.

// authJSON is the signature fields of a signed request.
type authJSON struct {
	PubkeyEd25519 string `json:"pubkey_ed25519,omitempty"`
	Signature     string `json:"signature,omitempty"`
}

// newAuthJSON returns a's fields as sent: pubkey_ed25519 only when the
// signing key is not the pubkey's own key bytes, which for a real Session ID
// it never is. (A 05 pubkey whose bytes are themselves an Ed25519 key signs
// without it, as the storage server allows.)
func newAuthJSON(pubkey [33]byte, a *Auth) authJSON {
	if a == nil {
		return authJSON{}
	}
	j := authJSON{Signature: SignatureBase64(a.Signature[:])}
	if a.Ed25519 != [32]byte(pubkey[1:]) {
		j.PubkeyEd25519 = hex.EncodeToString(a.Ed25519[:])
	}
	return j
}

// nsOrAllJSON marshals a NamespaceOrAll as an integer or "all".
type nsOrAllJSON NamespaceOrAll

func (s nsOrAllJSON) MarshalJSON() ([]byte, error) {
	if ns, ok := NamespaceOrAll(s).Namespace(); ok {
		return strconv.AppendInt(nil, int64(ns), 10), nil
	}
	return []byte(`"all"`), nil
}

// marshalParams returns the params v of a request for method.
func marshalParams(method string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("network: %s params: %w", method, err)
	}
	return b, nil
}
