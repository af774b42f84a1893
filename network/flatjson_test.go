package network

import (
	"bytes"
	"encoding/json"
	"maps"
	"testing"
)

func TestParseFlatObject(t *testing.T) {
	for _, c := range []struct {
		in   string
		want map[string]string // nil: the fast path declines
	}{
		{`{}`, map[string]string{}},
		{" \t{ }\r\n", map[string]string{}},
		{`{"ephemeral_key":"ab01","enc_type":"xchacha20","hop_no":3}`,
			map[string]string{"ephemeral_key": `"ab01"`, "enc_type": `"xchacha20"`, "hop_no": `3`}},
		{`{ "a" : true , "b":false,"c":null, "d":-12, "e":0, "":"" }`,
			map[string]string{"a": `true`, "b": `false`, "c": `null`, "d": `-12`, "e": `0`, "": `""`}},
		{`{"a":1,"a":2}`, map[string]string{"a": `2`}},
		// Left to encoding/json: escapes, non-ASCII, nesting, fractions.
		{`{"a":"x\"y"}`, nil},
		{`{"a\u0041":1}`, nil},
		{`{"a":"é"}`, nil},
		{`{"a":{"b":1}}`, nil},
		{`{"a":[1]}`, nil},
		{`{"a":1.5}`, nil},
		{`{"a":1e3}`, nil},
		// Not JSON at all.
		{``, nil},
		{`[]`, nil},
		{`{`, nil},
		{`{"a":1,}`, nil},
		{`{"a":01}`, nil},
		{`{"a":-}`, nil},
		{`{"a":tru}`, nil},
		{`{"a":nullx}`, nil},
		{`{"a" 1}`, nil},
		{`{"a":1} x`, nil},
		{`{"a":1}{}`, nil},
		{"{\"a\":\"tab\there\"}", nil},
	} {
		f, ok := parseFlatObject([]byte(c.in))
		if ok != (c.want != nil) {
			t.Errorf("%q: ok = %v", c.in, ok)
			continue
		}
		got := map[string]string{}
		for k, v := range f {
			got[k] = string(v)
		}
		if ok && !maps.Equal(got, c.want) {
			t.Errorf("%q: got %v, want %v", c.in, got, c.want)
		}
	}
}

func TestDecodeFlat(t *testing.T) {
	var s string
	var n int64
	var b bool
	for _, c := range []struct {
		raw string
		v   any
		ok  bool
	}{
		{`"abc"`, &s, true}, {`"a\"b"`, &s, true}, {`1`, &s, false},
		{`-9223372036854775808`, &n, true}, {`9223372036854775808`, &n, false}, {`1.0`, &n, false},
		{`true`, &b, true}, {`"true"`, &b, false},
	} {
		var err error
		switch v := c.v.(type) {
		case *string:
			err = decodeFlat(json.RawMessage(c.raw), v)
		case *int64:
			err = decodeFlat(json.RawMessage(c.raw), v)
		case *bool:
			err = decodeFlat(json.RawMessage(c.raw), v)
		}
		if (err == nil) != c.ok {
			t.Errorf("%s into %T: err = %v", c.raw, c.v, err)
		}
	}
	if s != `a"b` || n != -9223372036854775808 || !b {
		t.Errorf("decoded %q %d %v", s, n, b)
	}
}

// FuzzFlatObject checks the fast path against encoding/json: whatever it accepts,
// encoding/json accepts with the same fields and values.
func FuzzFlatObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":"x","c":true,"d":null}`, `{"a":1,"a":-0}`, `{"a":"\u00e9"}`, `{"a":1e5}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ok := parseFlatObject(b)
		if ok != scanFlatObject(b, nil) {
			t.Fatal("scanFlatObject and parseFlatObject disagree")
		}
		if !ok {
			return
		}
		var slow map[string]json.RawMessage
		if err := json.Unmarshal(b, &slow); err != nil || slow == nil {
			t.Fatalf("fast path accepted what encoding/json refuses: %v", err)
		}
		if !maps.EqualFunc(fast, slow, func(x, y json.RawMessage) bool { return bytes.Equal(x, y) }) {
			t.Fatalf("fast %q, encoding/json %q", fast, slow)
		}
		for _, raw := range fast {
			var s1, s2 string
			e1, e2 := decodeFlat(raw, &s1), json.Unmarshal(raw, &s2)
			var n1, n2 int64
			f1, f2 := decodeFlat(raw, &n1), json.Unmarshal(raw, &n2)
			var b1, b2 bool
			g1, g2 := decodeFlat(raw, &b1), json.Unmarshal(raw, &b2)
			if (e1 == nil) != (e2 == nil) || s1 != s2 || (f1 == nil) != (f2 == nil) || n1 != n2 || (g1 == nil) != (g2 == nil) || b1 != b2 {
				t.Fatalf("decodeFlat(%s) differs from encoding/json", raw)
			}
		}
	})
}
