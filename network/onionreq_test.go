package network

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"testing"

	"allium/crypto"
)

type buildNode struct {
	EdPub   string `json:"ed25519_pubkey"`
	XPub    string `json:"x25519_pubkey"`
	XSecret string `json:"x25519_secret"`
}

type buildCase struct {
	Style       string      `json:"style"`
	EncType     string      `json:"enc_type"`
	Path        []buildNode `json:"path_guard_first"`
	Destination buildNode   `json:"destination_snode"`
	Ephemerals  []struct {
		Secret string `json:"ephemeral_x25519_secret"`
		Public string `json:"ephemeral_x25519_pubkey"`
	} `json:"ephemerals_innermost_first"`
	RPC     string `json:"rpc_body_utf8"`
	Control string `json:"destination_control_json"`
	Layers  []struct {
		For       string `json:"for"`
		Plaintext string `json:"plaintext"`
	} `json:"layers_innermost_first"`
	Guard struct {
		BodyHex string `json:"body_hex"`
	} `json:"guard_http_request"`
	ResponseJSON   string `json:"response_plaintext_json"`
	ResponseBase64 string `json:"response_http_body_base64"`
}

func (n buildNode) hop(tb testing.TB) OnionHop {
	return OnionHop{Ed25519: [32]byte(mustHex(tb, n.EdPub)), X25519: [32]byte(mustHex(tb, n.XPub))}
}

func (n buildNode) keys(tb testing.TB) crypto.X25519KeyPair {
	return crypto.X25519KeyPair{Private: [32]byte(mustHex(tb, n.XSecret)), Public: [32]byte(mustHex(tb, n.XPub))}
}

func loadBuildCases(tb testing.TB) []buildCase {
	var v struct {
		Cases []buildCase `json:"full_build_cases"`
	}
	loadVectors(tb, onionVectorsFile, &v)
	if len(v.Cases) != 2 {
		tb.Fatalf("%d full build cases, want 2", len(v.Cases))
	}
	return v.Cases
}

// TestBuildOnionVectors rebuilds both published 3-hop requests byte for byte: the
// vectors' one-time keys and nonces are fed to BuildOnion as its randomness, in the order
// it reads them (innermost layer first, key then nonce).
func TestBuildOnionVectors(t *testing.T) {
	for _, c := range loadBuildCases(t) {
		t.Run(c.Style, func(t *testing.T) {
			enc, err := crypto.ParseEncType(c.EncType)
			if err != nil {
				t.Fatal(err)
			}
			guardBody := mustHex(t, c.Guard.BodyHex)
			// The ciphertext of layer i is framed inside the plaintext of layer i+1; the
			// outermost one is in the guard's body. Each starts with its nonce.
			var random []byte
			for i, e := range c.Ephemerals {
				framed := guardBody
				if i+1 < len(c.Layers) {
					framed = mustHex(t, c.Layers[i+1].Plaintext)
				}
				ct, _, err := ParseOnionPayload(framed)
				if err != nil {
					t.Fatal(err)
				}
				random = append(random, mustHex(t, e.Secret)...)
				random = append(random, ct[:crypto.HopOverhead(enc)-16]...)
			}
			path := make([]OnionHop, len(c.Path))
			for i, n := range c.Path {
				path[i] = n.hop(t)
			}
			req, err := BuildOnion(bytes.NewReader(random), enc, path, c.Destination.hop(t), []byte(c.RPC), []byte(c.Control))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(req.Body, guardBody) {
				t.Fatalf("guard body\n got %x\nwant %x", req.Body, guardBody)
			}
			status, body, err := OpenOnionResponse(&req.Key, []byte(c.ResponseBase64))
			if err != nil || status != 200 {
				t.Fatalf("OpenOnionResponse = %d, %v", status, err)
			}
			if want := `{"hf":[21,0],"t":1754971101123,"timestamp":1754971101123,"version":[2,11,3]}`; string(body) != want {
				t.Errorf("response body %s", body)
			}
		})
	}
}

// TestPeelOnionVectors peels the published requests as the nodes do, hop by hop, and
// answers at the destination with the published response bytes.
func TestPeelOnionVectors(t *testing.T) {
	for _, c := range loadBuildCases(t) {
		t.Run(c.Style, func(t *testing.T) {
			edge, err := ParseOnionEdge(mustHex(t, c.Guard.BodyHex))
			if err != nil {
				t.Fatal(err)
			}
			nodes := append(append([]buildNode(nil), c.Path...), c.Destination)
			ct, eph, enc := edge.Ciphertext, edge.EphemeralKey, edge.EncType
			var l OnionLayer
			for i, n := range nodes {
				keys := n.keys(t)
				l, err = PeelOnion(&keys, enc, eph, ct)
				if err != nil {
					t.Fatalf("hop %d: %v", i, err)
				}
				if i == len(nodes)-1 {
					break
				}
				if l.Routing.Kind != RouteRelayNode || hex.EncodeToString(l.Routing.Destination[:]) != nodes[i+1].EdPub {
					t.Fatalf("hop %d routes to %x (%v)", i, l.Routing.Destination, l.Routing.Kind)
				}
				ct, eph, enc = l.Inner, l.Routing.EphemeralKey, l.Routing.EncType
			}
			if l.Routing.Kind != RouteFinal || string(l.Inner) != c.RPC {
				t.Fatalf("destination got %v %q", l.Routing.Kind, l.Inner)
			}
			want, _ := base64.StdEncoding.DecodeString(c.ResponseBase64)
			nonce := want[:crypto.HopOverhead(enc)-16]
			body := `{"hf":[21,0],"t":1754971101123,"timestamp":1754971101123,"version":[2,11,3]}`
			resp, err := SealOnionResponse(bytes.NewReader(nonce), &l, 200, []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			if string(resp) != c.ResponseBase64 {
				t.Fatalf("response\n got %s\nwant %s", resp, c.ResponseBase64)
			}
		})
	}
}

func testPath(t *testing.T, n int) ([]crypto.X25519KeyPair, []OnionHop) {
	keys := make([]crypto.X25519KeyPair, n)
	hops := make([]OnionHop, n)
	for i := range keys {
		k, err := crypto.GenerateX25519(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
		hops[i] = OnionHop{Ed25519: [32]byte{byte(i + 1)}, X25519: k.Public}
	}
	return keys, hops
}

func TestOnionRoundTrip(t *testing.T) {
	for _, enc := range []crypto.EncType{crypto.AESGCM, crypto.XChaCha20} {
		t.Run(enc.String(), func(t *testing.T) {
			keys, hops := testPath(t, 4)
			req, err := BuildOnion(rand.Reader, enc, hops[:3], hops[3], []byte(`{"method":"info","params":{}}`), StorageControl)
			if err != nil {
				t.Fatal(err)
			}
			edge, err := ParseOnionEdge(req.Body)
			if err != nil {
				t.Fatal(err)
			}
			ct, eph := edge.Ciphertext, edge.EphemeralKey
			var l OnionLayer
			for i := range keys {
				if l, err = PeelOnion(&keys[i], enc, eph, ct); err != nil {
					t.Fatalf("hop %d: %v", i, err)
				}
				// A node can open only its own layer.
				if i+1 < len(keys) {
					if _, err := PeelOnion(&keys[i+1], enc, eph, ct); !errors.Is(err, crypto.ErrDecrypt) {
						t.Fatalf("hop %d's layer opened by the next node: %v", i, err)
					}
				}
				ct, eph = l.Inner, l.Routing.EphemeralKey
			}
			if l.Routing.Kind != RouteFinal || !l.Routing.Base64 {
				t.Fatalf("final routing %+v", l.Routing)
			}
			resp, err := SealOnionResponse(rand.Reader, &l, 421, []byte(`{"snodes":[]}`))
			if err != nil {
				t.Fatal(err)
			}
			status, body, err := OpenOnionResponse(&req.Key, resp)
			if err != nil || status != 421 || string(body) != `{"snodes":[]}` {
				t.Fatalf("response %d %s %v", status, body, err)
			}
		})
	}
}

func TestBuildOnionRejectsDestinationOnPath(t *testing.T) {
	_, hops := testPath(t, 3)
	if _, err := BuildOnion(rand.Reader, crypto.AESGCM, hops, hops[1], []byte("{}"), StorageControl); err == nil {
		t.Fatal("destination on its own path accepted")
	}
}

var onionEdgeCases = []struct {
	name string
	body string // hex framing prefix + text
	ok   bool
}{
	{"aes-gcm default", "01000000ff" + hex.EncodeToString([]byte(`{"ephemeral_key":"`+zeros64+`"}`)), true},
	{"xchacha20 with hop_no", "01000000ff" + hex.EncodeToString([]byte(`{"ephemeral_key":"`+zeros64+`","enc_type":"xchacha20","hop_no":3}`)), true},
	{"missing key", "01000000ff" + hex.EncodeToString([]byte(`{"enc_type":"aes-gcm"}`)), false},
	{"short key", "01000000ff" + hex.EncodeToString([]byte(`{"ephemeral_key":"00"}`)), false},
	{"unknown enc_type", "01000000ff" + hex.EncodeToString([]byte(`{"ephemeral_key":"`+zeros64+`","enc_type":"aes-cbc"}`)), false},
	{"empty enc_type", "01000000ff" + hex.EncodeToString([]byte(`{"ephemeral_key":"`+zeros64+`","enc_type":""}`)), false},
	{"hop_no too big", "01000000ff" + hex.EncodeToString([]byte(`{"ephemeral_key":"`+zeros64+`","hop_no":16}`)), false},
	{"hop_no negative", "01000000ff" + hex.EncodeToString([]byte(`{"ephemeral_key":"`+zeros64+`","hop_no":-1}`)), false},
	{"length past end", "09000000ff7b7d", false},
	{"garbage", "00", false},
}

const zeros64 = "0000000000000000000000000000000000000000000000000000000000000000"

func TestParseOnionEdge(t *testing.T) {
	for _, c := range onionEdgeCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseOnionEdge(mustHex(t, c.body))
			if (err == nil) != c.ok {
				t.Fatalf("ParseOnionEdge: %v, want ok=%v", err, c.ok)
			}
		})
	}
}

func FuzzParseOnionEdge(f *testing.F) {
	for _, c := range onionEdgeCases {
		f.Add(mustHex(f, c.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := ParseOnionEdge(body)
		if err != nil {
			if !errors.Is(err, ErrBadOnionPayload) && !errors.Is(err, ErrBadRouting) {
				t.Fatalf("unexpected error type: %v", err)
			}
			return
		}
		if len(e.Ciphertext) == 0 || e.HopNo < 0 || e.HopNo > MaxOnionHops {
			t.Fatalf("accepted %+v", e)
		}
	})
}

// FuzzPeelOnion feeds garbage layers to a node: it never panics, and anything that is not
// a layer sealed to it is crypto.ErrDecrypt.
func FuzzPeelOnion(f *testing.F) {
	node := crypto.X25519KeyPair{Private: [32]byte{1}}
	node, _ = crypto.GenerateX25519(bytes.NewReader(node.Private[:]))
	eph, _ := crypto.GenerateX25519(bytes.NewReader(bytes.Repeat([]byte{2}, 32)))
	for _, enc := range []crypto.EncType{crypto.AESGCM, crypto.XChaCha20} {
		key, _ := crypto.ClientHopKey(enc, &eph, &node.Public)
		for _, inner := range []string{"{}", "\x02\x00\x00\x00ab{\"headers\":\"\"}", "\x01\x00\x00\x00a{\"destination\":\"" + zeros64 + "\",\"ephemeral_key\":\"" + zeros64 + "\"}"} {
			ct, _ := key.Seal(rand.Reader, nil, []byte(inner))
			f.Add(uint8(enc), ct)
		}
	}
	f.Add(uint8(0), []byte{})
	f.Fuzz(func(t *testing.T, enc uint8, ct []byte) {
		l, err := PeelOnion(&node, crypto.EncType(enc%2), eph.Public, ct)
		if err != nil {
			if !errors.Is(err, crypto.ErrDecrypt) && !errors.Is(err, ErrBadOnionPayload) && !errors.Is(err, ErrBadRouting) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if l.Routing.Kind == 0 {
			t.Fatal("peeled a layer without routing")
		}
	})
}
