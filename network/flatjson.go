package network

import (
	"encoding/json"
	"strconv"
)

// The JSON beside every onion layer is a small flat object of plain strings, integers
// and booleans. A node reads one per hop, and encoding/json's reflection costs as much
// as the rest of the hop's parsing together, so these helpers read the common form
// directly and leave everything else (escapes, non-ASCII text, nesting, fractions) to
// encoding/json. Where the fast path answers, it answers exactly what encoding/json
// would: FuzzFlatObject checks that.

// parseFlatObject splits a JSON object whose values are all strings without escapes,
// integers, booleans or null into its keys and raw values, as json.Unmarshal into a
// map[string]json.RawMessage would (the last of repeated keys wins). ok is false when
// b is anything else, valid or not: the caller then asks encoding/json.
func parseFlatObject(b []byte) (f map[string]json.RawMessage, ok bool) {
	f = make(map[string]json.RawMessage, 4)
	if !scanFlatObject(b, f) {
		return nil, false
	}
	return f, true
}

// scanFlatObject reports whether b is a flat object parseFlatObject reads, storing its
// fields in f unless f is nil.
func scanFlatObject(b []byte, f map[string]json.RawMessage) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipSpace(b, i+1) == len(b)
	}
	for {
		keyEnd, ok := plainString(b, i)
		if !ok {
			return false
		}
		key := b[i+1 : keyEnd-1]
		i = skipSpace(b, keyEnd)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		end, ok := flatValue(b, i)
		if !ok {
			return false
		}
		if f != nil {
			f[string(key)] = b[i:end:end]
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return skipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// plainString returns the end of the string starting at b[i] when it is printable
// ASCII without escapes.
func plainString(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1, true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return 0, false
		}
	}
	return 0, false
}

// flatValue returns the end of the plain string, integer, boolean or null at b[i].
func flatValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		return plainString(b, i)
	case c == '-' || (c >= '0' && c <= '9'):
		return plainInteger(b, i)
	}
	// What follows a value is checked by the caller: "nullx" or "1e3" fail there.
	for _, lit := range []string{"true", "false", "null"} {
		if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
			return i + len(lit), true
		}
	}
	return 0, false
}

// plainInteger returns the end of the digits of a JSON integer at b[i]; a fraction or
// exponent after them is left for the caller to refuse.
func plainInteger(b []byte, i int) (int, bool) {
	j := i
	if b[j] == '-' {
		j++
	}
	start := j
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j == start || b[start] == '0' && j-start > 1 {
		return 0, false // no digits, or a leading zero
	}
	return j, true
}

// decodeFlat decodes a raw value into v as json.Unmarshal would, without reflection
// for plain strings, integers and booleans.
func decodeFlat[T bool | string | int64](raw json.RawMessage, v *T) error {
	switch p := any(v).(type) {
	case *string:
		if end, ok := plainString(raw, 0); ok && end == len(raw) {
			*p = string(raw[1 : len(raw)-1])
			return nil
		}
	case *int64:
		if end, ok := plainInteger(raw, 0); ok && end == len(raw) {
			if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
				*p = n
				return nil
			}
		}
	case *bool:
		switch string(raw) {
		case "true":
			*p = true
			return nil
		case "false":
			*p = false
			return nil
		}
	}
	return json.Unmarshal(raw, v)
}
