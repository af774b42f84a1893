package network

import (
	"allium/crypto"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

type targetCase struct {
	Target  string `json:"target"`
	Allowed bool   `json:"allowed"`
}

type onionVectors struct {
	EdgeParseCases []struct {
		Label         string         `json:"label"`
		RequestBody   string         `json:"request_body"`
		CiphertextLen int            `json:"ciphertext_len"`
		JSON          map[string]any `json:"json"`
	} `json:"edge_parse_cases"`
	RoutingJSONCases []struct {
		Label          string `json:"label"`
		DecryptedLayer string `json:"decrypted_layer"`
		Expect         struct {
			Kind           string `json:"kind"`
			BodyUTF8       string `json:"body_utf8"`
			CiphertextUTF8 string `json:"ciphertext_utf8"`
			Host           string `json:"host"`
			Port           uint16 `json:"port"`
			Protocol       string `json:"protocol"`
			Target         string `json:"target"`
			NextEd25519    string `json:"next_ed25519"`
			EphemeralKey   string `json:"ephemeral_key"`
			EncType        string `json:"enc_type"`
		} `json:"expect"`
	} `json:"routing_json_cases"`
	URLTargetFilterCases []targetCase `json:"url_target_filter_cases"`
	FullBuildCases       []struct {
		Style                  string `json:"style"`
		DestinationControlJSON string `json:"destination_control_json"`
		GuardHTTPRequest       struct {
			BodyHex   string `json:"body_hex"`
			OuterJSON string `json:"outer_json"`
		} `json:"guard_http_request"`
		LayersInnermostFirst []struct {
			For         string `json:"for"`
			Plaintext   string `json:"plaintext"`
			RoutingJSON string `json:"routing_json"`
		} `json:"layers_innermost_first"`
	} `json:"full_build_cases"`
}

func TestParseOnionPayloadEdgeVectors(t *testing.T) {
	var v onionVectors
	loadVectors(t, onionVectorsFile, &v)
	if len(v.EdgeParseCases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range v.EdgeParseCases {
		t.Run(c.Label, func(t *testing.T) {
			body := mustHex(t, c.RequestBody)
			ct, meta, err := ParseOnionPayload(body)
			if err != nil {
				t.Fatal(err)
			}
			if len(ct) != c.CiphertextLen {
				t.Errorf("ciphertext is %d bytes, want %d", len(ct), c.CiphertextLen)
			}
			var got map[string]any
			if err := json.Unmarshal(meta, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.JSON) {
				t.Errorf("JSON = %v, want %v", got, c.JSON)
			}
			if re := AppendOnionPayload(nil, ct, meta); !bytes.Equal(re, body) {
				t.Errorf("re-encoded payload differs")
			}
		})
	}
}

var routeKinds = map[string]RouteKind{
	"final_destination": RouteFinal,
	"relay_to_server":   RouteRelayServer,
	"relay_to_node":     RouteRelayNode,
}

func TestParseRoutingVectors(t *testing.T) {
	var v onionVectors
	loadVectors(t, onionVectorsFile, &v)
	if len(v.RoutingJSONCases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range v.RoutingJSONCases {
		t.Run(c.Label, func(t *testing.T) {
			ct, meta, err := ParseOnionPayload(mustHex(t, c.DecryptedLayer))
			if err != nil {
				t.Fatal(err)
			}
			r, err := ParseRouting(meta)
			if err != nil {
				t.Fatal(err)
			}
			e := c.Expect
			kind, ok := routeKinds[e.Kind]
			if !ok {
				t.Fatalf("unknown kind %q in vector", e.Kind)
			}
			if r.Kind != kind {
				t.Fatalf("Kind = %v, want %v", r.Kind, kind)
			}
			switch kind {
			case RouteFinal:
				if string(ct) != e.BodyUTF8 {
					t.Errorf("body = %q, want %q", ct, e.BodyUTF8)
				}
				if !r.Base64 || r.JSON {
					t.Errorf("Base64, JSON = %v, %v; want defaults true, false", r.Base64, r.JSON)
				}
			case RouteRelayServer:
				if r.Host != e.Host || r.Port != e.Port || r.Protocol != e.Protocol || r.Target != e.Target {
					t.Errorf("got %s://%s:%d%s, want %s://%s:%d%s",
						r.Protocol, r.Host, r.Port, r.Target, e.Protocol, e.Host, e.Port, e.Target)
				}
			case RouteRelayNode:
				if string(ct) != e.CiphertextUTF8 {
					t.Errorf("ciphertext = %q, want %q", ct, e.CiphertextUTF8)
				}
				if got := hex.EncodeToString(r.Destination[:]); got != e.NextEd25519 {
					t.Errorf("Destination = %s, want %s", got, e.NextEd25519)
				}
				if got := hex.EncodeToString(r.EphemeralKey[:]); got != e.EphemeralKey {
					t.Errorf("EphemeralKey = %s, want %s", got, e.EphemeralKey)
				}
				// The vector says "aes-gcm (default when absent)".
				if want, _ := crypto.ParseEncType(strings.Fields(e.EncType)[0]); r.EncType != want {
					t.Errorf("EncType = %q, want %q", r.EncType, want)
				}
			}
		})
	}
}

func TestOnionFullBuildLayers(t *testing.T) {
	var v onionVectors
	loadVectors(t, onionVectorsFile, &v)
	if len(v.FullBuildCases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range v.FullBuildCases {
		t.Run(c.Style+"/guard body", func(t *testing.T) {
			_, meta, err := ParseOnionPayload(mustHex(t, c.GuardHTTPRequest.BodyHex))
			if err != nil {
				t.Fatal(err)
			}
			if string(meta) != c.GuardHTTPRequest.OuterJSON {
				t.Errorf("JSON = %s, want %s", meta, c.GuardHTTPRequest.OuterJSON)
			}
		})
		for _, l := range c.LayersInnermostFirst {
			t.Run(c.Style+"/"+l.For, func(t *testing.T) {
				_, meta, err := ParseOnionPayload(mustHex(t, l.Plaintext))
				if err != nil {
					t.Fatal(err)
				}
				want, kind := l.RoutingJSON, RouteRelayNode
				if want == "" {
					want, kind = c.DestinationControlJSON, RouteFinal
				}
				if string(meta) != want {
					t.Fatalf("JSON = %s, want %s", meta, want)
				}
				r, err := ParseRouting(meta)
				if err != nil {
					t.Fatal(err)
				}
				if r.Kind != kind {
					t.Fatalf("Kind = %v, want %v", r.Kind, kind)
				}
				// Relay JSON and libsession's destination JSON are written
				// exactly as MarshalJSON writes them.
				if kind == RouteRelayNode || c.Style == "libsession" {
					enc, err := r.MarshalJSON()
					if err != nil || string(enc) != want {
						t.Errorf("MarshalJSON = %s, %v; want %s", enc, err, want)
					}
				}
			})
		}
	}
}

func TestValidProxyTargetVectors(t *testing.T) {
	var v onionVectors
	loadVectors(t, onionVectorsFile, &v)
	if len(v.URLTargetFilterCases) == 0 {
		t.Fatal("no cases")
	}
	cases := append(v.URLTargetFilterCases,
		targetCase{"/oxen/v4/lsrpc", true},
		targetCase{"/loki/lsrpc", true},
		targetCase{"", false},
		targetCase{"/oxen/v4/lsrpc?", false},
		targetCase{"loki/v3/lsrpc", false},
		targetCase{"/loki/v3/lsrpc/", false},
	)
	for _, c := range cases {
		t.Run(c.Target, func(t *testing.T) {
			if got := ValidProxyTarget(c.Target); got != c.Allowed {
				t.Errorf("ValidProxyTarget(%q) = %v, want %v", c.Target, got, c.Allowed)
			}
		})
	}
}

// framed returns [u32 LE n][rest...] with n given independently of rest.
func framed(n uint32, rest string) []byte {
	return append(binary.LittleEndian.AppendUint32(nil, n), rest...)
}

func TestParseOnionPayloadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"nil", nil},
		{"3 bytes", []byte{1, 0, 0}},
		{"length past the end", framed(10, `abc{}`)},
		{"length one past the end", framed(4, `abc`)},
		{"N = 0xffffffff", framed(0xffffffff, `abc{"a":1}`)},
		{"empty ciphertext", framed(0, `{"a":1}`)},
		{"empty json", framed(3, `abc`)},
		{"whitespace json", framed(3, "abc \n")},
		{"bad json", framed(3, `abc{"a":`)},
		{"json array", framed(3, `abc[1,2]`)},
		{"json string", framed(3, `abc"x"`)},
		{"json null", framed(3, `abcnull`)},
		{"two objects", framed(3, `abc{}{}`)},
		{"trailing garbage", framed(3, `abc{}x`)},
		{"invalid utf-8", framed(3, "abc{\"a\":\"\xff\"}")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct, meta, err := ParseOnionPayload(tc.b)
			if !errors.Is(err, ErrBadOnionPayload) || ct != nil || meta != nil {
				t.Errorf("ParseOnionPayload = %q, %q, %v; want ErrBadOnionPayload", ct, meta, err)
			}
		})
	}
}

func TestParseOnionPayloadNoCopy(t *testing.T) {
	b := framed(3, `abc { "a" : 1 } `)
	ct, meta, err := ParseOnionPayload(b)
	if err != nil {
		t.Fatal(err)
	}
	if &ct[0] != &b[4] || &meta[0] != &b[7] {
		t.Error("results are not sub-slices of the input")
	}
	if cap(ct) != len(ct) {
		t.Errorf("ciphertext capacity %d reaches into the JSON", cap(ct))
	}
	if string(meta) != ` { "a" : 1 } ` {
		t.Errorf("JSON = %q", meta)
	}
}

func TestAppendOnionPayload(t *testing.T) {
	got := AppendOnionPayload([]byte("x"), []byte("ct"), []byte(`{}`))
	if want := "x\x02\x00\x00\x00ct{}"; string(got) != want {
		t.Errorf("AppendOnionPayload = %q, want %q", got, want)
	}
}

func TestParseRouting(t *testing.T) {
	const (
		k1 = "ffffeeeeddddccccbbbbaaaa9999888877776666555544443333222211110000"
		k2 = "0000111122223333444455556666777788889999000011112222333344445555"
	)
	key := func(s string) [32]byte { return [32]byte(mustHex(t, s)) }
	for _, tc := range []struct {
		name string
		json string
		want Routing
	}{
		{"final, desktop headers", `{"body":null,"headers":{"Content-Type":"application/json"}}`,
			Routing{Kind: RouteFinal, Base64: true}},
		{"final, null headers", `{"headers":null}`, Routing{Kind: RouteFinal, Base64: true}},
		{"final, flags", `{"headers":"","base64":false,"json":true}`, Routing{Kind: RouteFinal, JSON: true}},
		{"final wins over host", `{"headers":"","host":"h"}`, Routing{Kind: RouteFinal, Base64: true}},
		{"relay, gcm alias", `{"destination":"` + k1 + `","ephemeral_key":"` + k2 + `","enc_type":"gcm"}`,
			Routing{Kind: RouteRelayNode, Destination: key(k1), EphemeralKey: key(k2), EncType: crypto.AESGCM}},
		{"relay, xchacha20", `{"destination":"` + k1 + `","ephemeral_key":"` + k2 + `","enc_type":"xchacha20"}`,
			Routing{Kind: RouteRelayNode, Destination: key(k1), EphemeralKey: key(k2), EncType: crypto.XChaCha20}},
		{"relay, xchacha20-poly1305 alias", `{"destination":"` + k1 + `","ephemeral_key":"` + k2 + `","enc_type":"xchacha20-poly1305"}`,
			Routing{Kind: RouteRelayNode, Destination: key(k1), EphemeralKey: key(k2), EncType: crypto.XChaCha20}},
		{"relay, upper-case hex", `{"destination":"` + strings.ToUpper(k1) + `","ephemeral_key":"` + k2 + `","x":[1]}`,
			Routing{Kind: RouteRelayNode, Destination: key(k1), EphemeralKey: key(k2), EncType: crypto.AESGCM}},
		{"server, full", `{"host":"example.org","target":"/oxen/v4/lsrpc","method":"POST","port":8080,"protocol":"http","ephemeral_key":"` + k2 + `","enc_type":"xchacha20"}`,
			Routing{Kind: RouteRelayServer, Host: "example.org", Target: "/oxen/v4/lsrpc", Port: 8080, Protocol: "http", EphemeralKey: key(k2), EncType: crypto.XChaCha20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseRouting([]byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("ParseRouting = %+v\nwant %+v", got, tc.want)
			}
			checkRoutingRoundTrip(t, got)
		})
	}
}

func TestParseRoutingErrors(t *testing.T) {
	const k = "0000111122223333444455556666777788889999000011112222333344445555"
	relay := func(dest, eph, extra string) string {
		return fmt.Sprintf(`{"destination":%s,"ephemeral_key":%s%s}`, dest, eph, extra)
	}
	q := func(s string) string { return `"` + s + `"` }
	for _, tc := range []struct {
		name string
		json string
	}{
		{"empty", ``},
		{"array", `[]`},
		{"null", `null`},
		{"string", `"headers"`},
		{"invalid utf-8", "{\"headers\":\"\xff\"}"},
		{"empty object", `{}`},
		{"edge meta", `{"ephemeral_key":` + q(k) + `}`},
		{"missing ephemeral key", `{"destination":` + q(k) + `}`},
		{"destination not hex", relay(q(strings.Repeat("zz", 32)), q(k), "")},
		{"destination short", relay(q(k[:62]), q(k), "")},
		{"destination long", relay(q(k+"00"), q(k), "")},
		{"destination number", relay("1", q(k), "")},
		{"destination null", relay("null", q(k), "")},
		{"ephemeral key odd", relay(q(k), q(k[:63]+"0x"), "")},
		{"enc_type cbc", relay(q(k), q(k), `,"enc_type":"aes-cbc"`)},
		{"enc_type empty", relay(q(k), q(k), `,"enc_type":""`)},
		{"enc_type case", relay(q(k), q(k), `,"enc_type":"AES-GCM"`)},
		{"enc_type number", relay(q(k), q(k), `,"enc_type":1`)},
		{"host empty", `{"host":"","target":"/oxen/v4/lsrpc"}`},
		{"host number", `{"host":1,"target":"/oxen/v4/lsrpc"}`},
		{"host null", `{"host":null,"target":"/oxen/v4/lsrpc"}`},
		{"target missing", `{"host":"h"}`},
		{"target number", `{"host":"h","target":5}`},
		{"port string", `{"host":"h","target":"t","port":"80"}`},
		{"port zero", `{"host":"h","target":"t","port":0}`},
		{"port negative", `{"host":"h","target":"t","port":-1}`},
		{"port too big", `{"host":"h","target":"t","port":65536}`},
		{"port fraction", `{"host":"h","target":"t","port":80.5}`},
		{"port huge", `{"host":"h","target":"t","port":1e400}`},
		{"protocol ftp", `{"host":"h","target":"t","protocol":"ftp"}`},
		{"protocol upper", `{"host":"h","target":"t","protocol":"HTTPS"}`},
		{"server bad key", `{"host":"h","target":"t","ephemeral_key":"00"}`},
		{"server bad enc_type", `{"host":"h","target":"t","enc_type":"rot13"}`},
		{"final base64 string", `{"headers":"","base64":"false"}`},
		{"final json number", `{"headers":"","json":1}`},
		{"final json null", `{"headers":"","json":null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseRouting([]byte(tc.json))
			if !errors.Is(err, ErrBadRouting) || r != (Routing{}) {
				t.Errorf("ParseRouting = %+v, %v; want ErrBadRouting", r, err)
			}
		})
	}
}

func TestRoutingMarshalJSON(t *testing.T) {
	var k [32]byte
	k[31] = 1
	kh := hex.EncodeToString(k[:])
	for _, tc := range []struct {
		name string
		r    Routing
		want string
	}{
		{"final", Routing{Kind: RouteFinal, Base64: true}, `{"headers":""}`},
		{"final raw json", Routing{Kind: RouteFinal, JSON: true}, `{"base64":false,"headers":"","json":true}`},
		{"relay default enc", Routing{Kind: RouteRelayNode, Destination: k, EphemeralKey: k},
			`{"destination":"` + kh + `","ephemeral_key":"` + kh + `"}`},
		{"relay xchacha20", Routing{Kind: RouteRelayNode, EncType: crypto.XChaCha20},
			`{"destination":"` + strings.Repeat("0", 64) + `","enc_type":"xchacha20","ephemeral_key":"` + strings.Repeat("0", 64) + `"}`},
		{"server defaults", Routing{Kind: RouteRelayServer, Host: "h", Target: "/oxen/v4/lsrpc"},
			`{"host":"h","method":"POST","port":443,"protocol":"https","target":"/oxen/v4/lsrpc"}`},
		{"server with key", Routing{Kind: RouteRelayServer, Host: "a\"b", Target: "/loki/v3/lsrpc", Port: 80, Protocol: "http", EphemeralKey: k, EncType: crypto.XChaCha20},
			`{"enc_type":"xchacha20","ephemeral_key":"` + kh + `","host":"a\"b","method":"POST","port":80,"protocol":"http","target":"/loki/v3/lsrpc"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.r.MarshalJSON()
			if err != nil || string(got) != tc.want {
				t.Errorf("MarshalJSON = %s, %v\nwant %s", got, err, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		r    Routing
	}{
		{"zero", Routing{}},
		{"unknown kind", Routing{Kind: 9}},
		{"server without host", Routing{Kind: RouteRelayServer, Target: "t"}},
		{"server without target", Routing{Kind: RouteRelayServer, Host: "h"}},
		{"server ftp", Routing{Kind: RouteRelayServer, Host: "h", Target: "t", Protocol: "ftp"}},
	} {
		t.Run("error/"+tc.name, func(t *testing.T) {
			if got, err := tc.r.MarshalJSON(); err == nil {
				t.Errorf("MarshalJSON = %s, want an error", got)
			}
		})
	}
}

// checkRoutingRoundTrip checks that r's JSON parses back to r and that a
// second encoding gives the same bytes.
func checkRoutingRoundTrip(t *testing.T, r Routing) {
	t.Helper()
	enc, err := r.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON(%+v): %v", r, err)
	}
	if !json.Valid(enc) {
		t.Fatalf("MarshalJSON wrote invalid JSON %q", enc)
	}
	r2, err := ParseRouting(enc)
	if err != nil {
		t.Fatalf("ParseRouting(%s): %v", enc, err)
	}
	if r2 != r {
		t.Fatalf("round trip through %s: %+v, want %+v", enc, r2, r)
	}
	if enc2, _ := r2.MarshalJSON(); !bytes.Equal(enc2, enc) {
		t.Fatalf("second encoding %s, first %s", enc2, enc)
	}
}

// onionSeeds returns every framed layer in the vectors plus malformed ones.
func onionSeeds(tb testing.TB) [][]byte {
	var v onionVectors
	loadVectors(tb, onionVectorsFile, &v)
	var seeds [][]byte
	for _, c := range v.EdgeParseCases {
		seeds = append(seeds, mustHex(tb, c.RequestBody))
	}
	for _, c := range v.RoutingJSONCases {
		seeds = append(seeds, mustHex(tb, c.DecryptedLayer))
	}
	for _, c := range v.FullBuildCases {
		seeds = append(seeds, mustHex(tb, c.GuardHTTPRequest.BodyHex))
		for _, l := range c.LayersInnermostFirst {
			seeds = append(seeds, mustHex(tb, l.Plaintext))
		}
	}
	return append(seeds,
		nil, []byte{1, 0, 0}, framed(0, `{}`), framed(3, `abc`), framed(3, `abc[]`),
		framed(0xffffffff, `abc{}`), framed(3, `abc{"a":`), framed(1, " { } "))
}

func FuzzParseOnionPayload(f *testing.F) {
	for _, s := range onionSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ct, meta, err := ParseOnionPayload(b)
		if err != nil {
			if !errors.Is(err, ErrBadOnionPayload) {
				t.Fatalf("error %v does not wrap ErrBadOnionPayload", err)
			}
			return
		}
		if len(ct) == 0 || len(meta) == 0 || !json.Valid(meta) {
			t.Fatalf("accepted ciphertext %q, JSON %q", ct, meta)
		}
		if re := AppendOnionPayload(nil, ct, meta); !bytes.Equal(re, b) {
			t.Fatalf("re-encoded %x, want %x", re, b)
		}
	})
}

func FuzzParseRouting(f *testing.F) {
	for _, s := range onionSeeds(f) {
		if _, meta, err := ParseOnionPayload(s); err == nil {
			f.Add(meta)
		}
	}
	for _, s := range []string{
		`{"headers":"","base64":false,"json":true}`,
		`{"host":"h","target":"/oxen/v4/lsrpc","port":80,"protocol":"http","enc_type":"xchacha20"}`,
		`{"destination":"00","ephemeral_key":"00"}`,
		`{"headers":1,"headers":2}`,
		`[]`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, meta []byte) {
		r, err := ParseRouting(meta)
		if err != nil {
			if !errors.Is(err, ErrBadRouting) {
				t.Fatalf("error %v does not wrap ErrBadRouting", err)
			}
			return
		}
		checkRoutingRoundTrip(t, r)
	})
}
