package network

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	mrand "math/rand/v2"
	"strings"
	"testing"

	"allium/crypto"
)

// v4Cases are bencoded plaintexts of onion requests v4. The first is the example of
// PROTOCOL §5.5 (pysogs' docstring), byte for byte.
var v4Cases = []struct {
	name    string
	in      string
	want    V4Request
	wantErr bool
}{
	{name: "protocol example", in: `l79:{"method":"GET","endpoint":"/room/some-room","headers":{"Some-Header":"12345"}}e`,
		want: V4Request{Method: "GET", Endpoint: "/room/some-room", Headers: map[string]string{"Some-Header": "12345"}}},
	{name: "with body", in: `l42:{"method":"POST","endpoint":"/file","h":1}5:hello` + "e",
		want: V4Request{Method: "POST", Endpoint: "/file", Body: []byte("hello")}},
	{name: "empty body", in: `l36:{"method":"POST","endpoint":"/file"}0:e`,
		want: V4Request{Method: "POST", Endpoint: "/file", Body: []byte{}}},
	{name: "not a list", in: `d3:fooe`, wantErr: true},
	{name: "empty list", in: `le`, wantErr: true},
	{name: "unclosed", in: `l2:{}`, wantErr: true},
	{name: "trailing bytes", in: `l36:{"method":"POST","endpoint":"/file"}ex`, wantErr: true},
	{name: "three parts", in: `l36:{"method":"POST","endpoint":"/file"}1:a1:be`, wantErr: true},
	{name: "length past end", in: `l99:{"method":"GET"}e`, wantErr: true},
	{name: "leading zero", in: `l036:{"method":"POST","endpoint":"/file"}e`, wantErr: true},
	{name: "huge length", in: `l99999999999:xe`, wantErr: true},
	{name: "negative length", in: `l-1:xe`, wantErr: true},
	{name: "meta not JSON", in: `l3:abce`, wantErr: true},
	{name: "meta an array", in: `l2:[]e`, wantErr: true},
	{name: "no method", in: `l18:{"endpoint":"/fi"}e`, wantErr: true},
	{name: "relative endpoint", in: `l34:{"method":"GET","endpoint":"file"}e`, wantErr: true},
}

func TestParseV4Request(t *testing.T) {
	for _, tc := range v4Cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseV4Request([]byte(tc.in))
			if tc.wantErr {
				if !errors.Is(err, ErrBadV4) {
					t.Fatalf("got %+v, %v; want an error wrapping ErrBadV4", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Method != tc.want.Method || got.Endpoint != tc.want.Endpoint || !bytes.Equal(got.Body, tc.want.Body) ||
				(got.Body == nil) != (tc.want.Body == nil) || len(got.Headers) != len(tc.want.Headers) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for k, v := range tc.want.Headers {
				if got.Headers[k] != v {
					t.Fatalf("header %s: got %q, want %q", k, got.Headers[k], v)
				}
			}
		})
	}
}

func TestEncodeV4Request(t *testing.T) {
	// Session Desktop's key order: method, endpoint, headers.
	got, err := EncodeV4Request(V4Request{Method: "GET", Endpoint: "/room/some-room", Headers: map[string]string{"Some-Header": "12345"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := v4Cases[0].in; string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	got, err = EncodeV4Request(V4Request{Method: "POST", Endpoint: "/file", Body: []byte("0123456789ab")})
	if err != nil {
		t.Fatal(err)
	}
	if want := `l36:{"method":"POST","endpoint":"/file"}12:0123456789abe`; string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	for _, bad := range []V4Request{{Method: "GET", Endpoint: "file"}, {Endpoint: "/file"}} {
		if _, err := EncodeV4Request(bad); !errors.Is(err, ErrBadV4) {
			t.Errorf("%+v: got %v, want ErrBadV4", bad, err)
		}
	}
}

func TestV4Response(t *testing.T) {
	r := V4Response{Status: 200, Headers: map[string]string{"content-type": "application/json"}, Body: []byte(`{"id":"7"}`)}
	b := EncodeV4Response(r)
	if want := `l58:{"code":200,"headers":{"content-type":"application/json"}}10:{"id":"7"}e`; string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	got, err := ParseV4Response(b)
	if err != nil || got.Status != 200 || got.Headers["content-type"] != "application/json" || string(got.Body) != `{"id":"7"}` {
		t.Fatalf("got %+v, %v", got, err)
	}
	for _, bad := range []string{`l11:{"code":42}e`, `l2:{}e`, `l4:nulle`, `l14:{"code":"200"}e`, `le`} {
		if _, err := ParseV4Response([]byte(bad)); !errors.Is(err, ErrBadV4) {
			t.Errorf("%s: got %v, want ErrBadV4", bad, err)
		}
	}
	if got, err := ParseV4Response([]byte(`l12:{"code":404}e`)); err != nil || got.Status != 404 || got.Body != nil {
		t.Errorf("meta only: got %+v, %v", got, err)
	}
}

// TestOnionToServer builds an onion request v4, peels it as the three nodes of the path
// do, and opens it as the server: the last node learns only the server's address, the
// server reads the request and its answer goes back to the client.
func TestOnionToServer(t *testing.T) {
	for _, enc := range []crypto.EncType{crypto.AESGCM, crypto.XChaCha20} {
		t.Run(enc.String(), func(t *testing.T) {
			var nodes [3]crypto.X25519KeyPair
			path := make([]OnionHop, 3)
			for i := range nodes {
				k, err := crypto.GenerateX25519(rand.Reader)
				if err != nil {
					t.Fatal(err)
				}
				nodes[i] = k
				path[i] = OnionHop{Ed25519: [32]byte{byte(i + 1)}, X25519: k.Public}
			}
			server, err := crypto.GenerateX25519(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := EncodeV4Request(V4Request{Method: "POST", Endpoint: "/file", Body: []byte("blob")})
			if err != nil {
				t.Fatal(err)
			}
			srv := ServerHop{Host: "127.0.0.1", Port: 8080, Protocol: "http", X25519: server.Public}
			req, err := BuildOnionToServer(rand.Reader, enc, path, srv, plain)
			if err != nil {
				t.Fatal(err)
			}
			edge, err := ParseOnionEdge(req.Body)
			if err != nil {
				t.Fatal(err)
			}
			ct, eph, et := edge.Ciphertext, edge.EphemeralKey, edge.EncType
			var l OnionLayer
			for i := range nodes {
				if l, err = PeelOnion(&nodes[i], et, eph, ct); err != nil {
					t.Fatalf("node %d: %v", i, err)
				}
				if i < 2 {
					if l.Routing.Kind != RouteRelayNode || l.Routing.Destination != path[i+1].Ed25519 {
						t.Fatalf("node %d routes to %+v", i, l.Routing)
					}
					ct, eph, et = l.Inner, l.Routing.EphemeralKey, l.Routing.EncType
				}
			}
			r := l.Routing
			if r.Kind != RouteRelayServer || r.Host != "127.0.0.1" || r.Port != 8080 || r.Protocol != "http" || r.Target != V4Target {
				t.Fatalf("last node routes to %+v", r)
			}
			got, key, err := OpenServerLayer(&server, l.Inner)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, plain) {
				t.Fatalf("server read %q, want %q", got, plain)
			}
			if other, _ := crypto.GenerateX25519(rand.Reader); true {
				if _, _, err := OpenServerLayer(&other, l.Inner); !errors.Is(err, crypto.ErrDecrypt) {
					t.Fatalf("another key opened the request: %v", err)
				}
			}
			answer, err := SealV4Response(rand.Reader, &key, V4Response{Status: 200, Body: []byte(`{"id":"1"}`)})
			if err != nil {
				t.Fatal(err)
			}
			resp, err := OpenV4Response(&req.Key, answer)
			if err != nil || resp.Status != 200 || string(resp.Body) != `{"id":"1"}` {
				t.Fatalf("client read %+v, %v", resp, err)
			}
			if _, err := OpenV4Response(&req.Key, append(answer[:len(answer)-1:len(answer)-1], answer[len(answer)-1]^1)); !errors.Is(err, crypto.ErrDecrypt) {
				t.Fatalf("a tampered answer: %v", err)
			}
		})
	}
}

func TestBuildOnionToServerNeedsAPath(t *testing.T) {
	_, err := BuildOnionToServer(rand.Reader, crypto.AESGCM, nil, ServerHop{Host: "h", Protocol: "http"}, []byte("le"))
	if err == nil || !strings.Contains(err.Error(), "no path") {
		t.Fatalf("got %v", err)
	}
}

func FuzzParseV4Request(f *testing.F) {
	for _, tc := range v4Cases {
		f.Add([]byte(tc.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseV4Request(b)
		if err != nil {
			return
		}
		// What parses encodes again into something that parses the same.
		again, err := EncodeV4Request(r)
		if err != nil {
			t.Fatalf("parsed %+v does not encode: %v", r, err)
		}
		r2, err := ParseV4Request(again)
		if err != nil || r2.Method != r.Method || r2.Endpoint != r.Endpoint || !bytes.Equal(r2.Body, r.Body) {
			t.Fatalf("round trip: %+v, %v; want %+v", r2, err, r)
		}
	})
}

func FuzzParseV4Response(f *testing.F) {
	f.Add(EncodeV4Response(V4Response{Status: 200, Body: []byte("x")}))
	f.Add([]byte(`l12:{"code":404}e`))
	f.Add([]byte(`l11:{"code":42}e`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseV4Response(b)
		if err != nil {
			return
		}
		r2, err := ParseV4Response(EncodeV4Response(r))
		if err != nil || r2.Status != r.Status || !bytes.Equal(r2.Body, r.Body) {
			t.Fatalf("round trip: %+v, %v; want %+v", r2, err, r)
		}
	})
}

// naiveOnionToServer builds an onion request v4 layer by layer, each in a new buffer:
// the reference the in-place build must match byte for byte.
func naiveOnionToServer(t *testing.T, rnd io.Reader, enc crypto.EncType, path []OnionHop, srv ServerHop, plain []byte) []byte {
	t.Helper()
	eph, ct, _, err := sealLayer(rnd, enc, &srv.X25519, plain)
	if err != nil {
		t.Fatal(err)
	}
	routing, err := Routing{Kind: RouteRelayServer, EphemeralKey: eph, EncType: enc,
		Host: srv.Host, Port: srv.Port, Protocol: srv.Protocol, Target: V4Target}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	layer := AppendOnionPayload(nil, ct, routing)
	last := len(path) - 1
	if eph, ct, _, err = sealLayer(rnd, enc, &path[last].X25519, layer); err != nil {
		t.Fatal(err)
	}
	next := path[last].Ed25519
	for i := last - 1; i >= 0; i-- {
		layer = AppendOnionPayload(nil, ct, relayJSON(next, eph, enc))
		if eph, ct, _, err = sealLayer(rnd, enc, &path[i].X25519, layer); err != nil {
			t.Fatal(err)
		}
		next = path[i].Ed25519
	}
	return AppendOnionPayload(nil, ct, edgeJSON(eph, enc))
}

func seeded(seed byte) io.Reader { return mrand.NewChaCha8([32]byte{seed}) }

// TestBuildV4OnionInPlace checks that the one-buffer build gives the bytes a build layer
// by layer gives, for paths of one to three nodes, bodies small and large, and a host
// long enough to make the buffer grow.
func TestBuildV4OnionInPlace(t *testing.T) {
	big := bytes.Repeat([]byte{7}, 1<<20)
	for _, enc := range []crypto.EncType{crypto.AESGCM, crypto.XChaCha20} {
		for hops := 1; hops <= 3; hops++ {
			for _, host := range []string{"127.0.0.1", strings.Repeat("h", 2000)} {
				for _, body := range [][]byte{nil, []byte("blob"), big} {
					path := make([]OnionHop, hops)
					for i := range path {
						path[i] = OnionHop{Ed25519: [32]byte{byte(i + 1)}, X25519: [32]byte{9, byte(i + 1)}}
					}
					srv := ServerHop{Host: host, Port: 8080, Protocol: "http", X25519: [32]byte{9, 99}}
					r := V4Request{Method: "POST", Endpoint: "/file", Headers: map[string]string{"X-FS-TTL": "60"}, Body: body}
					plain, err := EncodeV4Request(r)
					if err != nil {
						t.Fatal(err)
					}
					want := naiveOnionToServer(t, seeded(1), enc, path, srv, plain)
					got, err := BuildV4Onion(seeded(1), enc, path, srv, r)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got.Body, want) {
						t.Fatalf("%v, %d hops, host of %d, body of %d: the in-place build differs", enc, hops, len(host), len(body))
					}
					again, err := BuildOnionToServer(seeded(1), enc, path, srv, plain)
					if err != nil || !bytes.Equal(again.Body, want) {
						t.Fatalf("BuildOnionToServer differs: %v", err)
					}
				}
			}
		}
	}
}

// TestSealV4ResponseFrom checks the one-buffer answer against SealV4Response, and that
// an answer in base64, as older servers sent, still opens.
func TestSealV4ResponseFrom(t *testing.T) {
	for _, enc := range []crypto.EncType{crypto.AESGCM, crypto.XChaCha20} {
		client, _ := crypto.GenerateX25519(rand.Reader)
		server, _ := crypto.GenerateX25519(rand.Reader)
		ck, err := crypto.ClientHopKey(enc, &client, &server.Public)
		if err != nil {
			t.Fatal(err)
		}
		sk, err := crypto.NodeHopKey(enc, &server, &client.Public)
		if err != nil {
			t.Fatal(err)
		}
		body := bytes.Repeat([]byte("file"), 5000)
		h := map[string]string{"content-type": "application/octet-stream"}
		want, err := SealV4Response(seeded(2), &sk, V4Response{Status: 200, Headers: h, Body: body})
		if err != nil {
			t.Fatal(err)
		}
		got, err := SealV4ResponseFrom(seeded(2), &sk, 200, h, bytes.NewReader(body), len(body))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%v: SealV4ResponseFrom differs: %v", enc, err)
		}
		if _, err := SealV4ResponseFrom(seeded(2), &sk, 200, h, bytes.NewReader(body[:10]), len(body)); err == nil {
			t.Fatal("a short body sealed")
		}
		b64 := []byte(base64.StdEncoding.EncodeToString(got))
		resp, err := OpenV4Response(&ck, b64)
		if err != nil || resp.Status != 200 || !bytes.Equal(resp.Body, body) {
			t.Fatalf("%v: base64 answer: %v", enc, err)
		}
		resp, err = OpenV4Response(&ck, got)
		if err != nil || resp.Status != 200 || !bytes.Equal(resp.Body, body) || resp.Headers["content-type"] == "" {
			t.Fatalf("%v: raw answer: %+v, %v", enc, resp.Status, err)
		}
	}
}
