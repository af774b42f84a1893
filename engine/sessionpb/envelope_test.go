package sessionpb

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
)

// hexBytes decodes a lowercase hex string from the vector file.
type hexBytes []byte

func (h *hexBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := hex.DecodeString(s)
	*h = v
	return err
}

type derivedCase struct {
	Label            string   `json:"label"`
	SentTimestampMS  uint64   `json:"sent_timestamp_ms"`
	ContentProtobuf  hexBytes `json:"content_protobuf"`
	EncryptedContent hexBytes `json:"encrypted_content(sealed box)"`
	EnvelopeProtobuf hexBytes `json:"envelope_protobuf"`
	WebSocketMessage hexBytes `json:"websocket_message_protobuf"`
	StoreDataBase64  string   `json:"store_data_base64"`
	ExpectedDecode   struct {
		Body              string `json:"body_utf8"`
		DisplayName       string `json:"displayName_utf8"`
		SigTimestamp      uint64 `json:"sigTimestamp"`
		EnvelopeTimestamp uint64 `json:"envelope_timestamp"`
	} `json:"expected_decode"`
}

type legacyBlob struct {
	Label           string `json:"label"`
	StoreDataBase64 string `json:"store_data_base64"`
	Parsed          struct {
		Type          int32  `json:"WebSocketMessage.type"`
		Verb          string `json:"request.verb"`
		Path          string `json:"request.path"`
		RequestID     uint64 `json:"request.requestId"`
		EnvelopeType  int32  `json:"Envelope.type"`
		Timestamp     uint64 `json:"Envelope.timestamp"`
		ContentLength int    `json:"Envelope.content_len"`
	} `json:"parsed"`
}

type vectorFile struct {
	// Cases holds entries of different shapes; only those labelled DERIVED
	// describe the full message pipeline tested here.
	Cases  []json.RawMessage `json:"cases"`
	Legacy []legacyBlob      `json:"legacy_stored_blob"`
}

// sessionProtocolVectors is the file of Session protocol vectors, which crypto's tests
// read too and crypto keeps: there is one copy of each vector file.
var sessionProtocolVectors = filepath.Join("..", "..", "crypto", "testdata", "session_protocol.json")

func loadVectors(tb testing.TB) (derived []derivedCase, legacy []legacyBlob) {
	tb.Helper()
	data, err := os.ReadFile(sessionProtocolVectors)
	if err != nil {
		tb.Fatal(err)
	}
	var f vectorFile
	if err := json.Unmarshal(data, &f); err != nil {
		tb.Fatal(err)
	}
	for _, raw := range f.Cases {
		var c derivedCase
		if err := json.Unmarshal(raw, &c); err != nil {
			tb.Fatal(err)
		}
		if strings.HasPrefix(c.Label, "DERIVED") {
			derived = append(derived, c)
		}
	}
	if len(derived) == 0 || len(f.Legacy) == 0 {
		tb.Fatal("vector file has no DERIVED case or no legacy blob")
	}
	return derived, f.Legacy
}

func TestDerivedMessage(t *testing.T) {
	derived, _ := loadVectors(t)
	for _, c := range derived {
		t.Run(c.Label, func(t *testing.T) {
			want := c.ExpectedDecode
			content := &Content{
				DataMessage: &DataMessage{
					Body: proto.String(want.Body),
					Profile: &LokiProfile{
						DisplayName:       proto.String(want.DisplayName),
						LastUpdateSeconds: proto.Uint64(want.SigTimestamp / 1000),
					},
				},
				SigTimestamp: proto.Uint64(want.SigTimestamp),
			}
			got, err := proto.Marshal(content)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.ContentProtobuf) {
				t.Errorf("content = %x, want %x", got, c.ContentProtobuf)
			}

			env := NewEnvelope(c.SentTimestampMS, c.EncryptedContent, make([]byte, 64))
			got, err = proto.Marshal(env)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.EnvelopeProtobuf) {
				t.Errorf("envelope = %x, want %x", got, c.EnvelopeProtobuf)
			}

			wrapped, err := WrapEnvelope(env)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(wrapped, c.WebSocketMessage) {
				t.Errorf("websocket message = %x, want %x", wrapped, c.WebSocketMessage)
			}
			if got := base64.StdEncoding.EncodeToString(wrapped); got != c.StoreDataBase64 {
				t.Errorf("store data = %s, want %s", got, c.StoreDataBase64)
			}

			unwrapped, err := UnwrapEnvelope(c.WebSocketMessage)
			if err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(unwrapped, env) {
				t.Errorf("unwrapped envelope = %v, want %v", unwrapped, env)
			}
			if unwrapped.GetType() != Envelope_SESSION_MESSAGE ||
				unwrapped.GetTimestamp() != want.EnvelopeTimestamp ||
				unwrapped.GetSourceDevice() != 1 ||
				!bytes.Equal(unwrapped.GetContent(), c.EncryptedContent) ||
				!bytes.Equal(unwrapped.GetProSig(), make([]byte, 64)) {
				t.Errorf("unwrapped envelope fields = %v", unwrapped)
			}

			var parsed Content
			if err := proto.Unmarshal(c.ContentProtobuf, &parsed); err != nil {
				t.Fatal(err)
			}
			dm := parsed.GetDataMessage()
			if dm.GetBody() != want.Body ||
				dm.GetProfile().GetDisplayName() != want.DisplayName ||
				parsed.GetSigTimestamp() != want.SigTimestamp {
				t.Errorf("parsed content = %v", &parsed)
			}
		})
	}
}

func TestLegacyBlob(t *testing.T) {
	_, legacy := loadVectors(t)
	for _, c := range legacy {
		t.Run(c.Label, func(t *testing.T) {
			data, err := base64.StdEncoding.DecodeString(c.StoreDataBase64)
			if err != nil {
				t.Fatal(err)
			}
			want := c.Parsed

			// UnwrapEnvelope hides the request header, so check it directly.
			var msg WebSocketMessage
			if err := proto.Unmarshal(data, &msg); err != nil {
				t.Fatal(err)
			}
			req := msg.GetRequest()
			if int32(msg.GetType()) != want.Type || req.GetVerb() != want.Verb ||
				req.GetPath() != want.Path || req.GetRequestId() != want.RequestID {
				t.Errorf("websocket message = type %d verb %q path %q requestId %d, want %d %q %q %d",
					msg.GetType(), req.GetVerb(), req.GetPath(), req.GetRequestId(),
					want.Type, want.Verb, want.Path, want.RequestID)
			}

			env, err := UnwrapEnvelope(data)
			if err != nil {
				t.Fatal(err)
			}
			if int32(env.GetType()) != want.EnvelopeType || env.GetTimestamp() != want.Timestamp ||
				len(env.GetContent()) != want.ContentLength {
				t.Errorf("envelope = type %d timestamp %d content %d bytes, want %d %d %d",
					env.GetType(), env.GetTimestamp(), len(env.GetContent()),
					want.EnvelopeType, want.Timestamp, want.ContentLength)
			}
		})
	}
}

type unwrapCase struct {
	name    string
	data    []byte
	wantErr bool
}

// mustMarshal serializes m, allowing missing required fields so tests can
// build messages that a receiver must reject.
func mustMarshal(tb testing.TB, m proto.Message) []byte {
	tb.Helper()
	b, err := proto.MarshalOptions{AllowPartial: true}.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// wrapBody wraps body in a WebSocketMessage the way WrapEnvelope does,
// without checking that it is an Envelope.
func wrapBody(tb testing.TB, body []byte) []byte {
	tb.Helper()
	return mustMarshal(tb, &WebSocketMessage{
		Type: WebSocketMessage_REQUEST.Enum(),
		Request: &WebSocketRequestMessage{
			Verb:      proto.String(""),
			Path:      proto.String(""),
			Body:      body,
			RequestId: proto.Uint64(0),
		},
	})
}

// unwrapCases lists inputs for UnwrapEnvelope; it also seeds the fuzz target.
func unwrapCases(tb testing.TB) []unwrapCase {
	tb.Helper()
	derived, legacy := loadVectors(tb)
	var cases []unwrapCase
	for _, c := range derived {
		cases = append(cases, unwrapCase{name: c.Label, data: c.WebSocketMessage})
	}
	for _, c := range legacy {
		data, err := base64.StdEncoding.DecodeString(c.StoreDataBase64)
		if err != nil {
			tb.Fatal(err)
		}
		cases = append(cases, unwrapCase{name: c.Label, data: data})
	}
	valid := derived[0].WebSocketMessage

	random := make([]byte, 64)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}

	noTimestamp := &Envelope{Type: Envelope_SESSION_MESSAGE.Enum(), Content: []byte{1, 2, 3}}
	noType := &Envelope{Timestamp: proto.Uint64(1754971101000), Content: []byte{1, 2, 3}}
	unknownType := &Envelope{Type: Envelope_Type(5).Enum(), Timestamp: proto.Uint64(1754971101000)}

	cases = append(cases,
		unwrapCase{name: "minimal envelope", data: wrapBody(tb, mustMarshal(tb,
			&Envelope{Type: Envelope_SESSION_MESSAGE.Enum(), Timestamp: proto.Uint64(1)}))},
		unwrapCase{name: "empty input", data: []byte{}, wantErr: true},
		unwrapCase{name: "random bytes", data: random, wantErr: true},
		unwrapCase{name: "no request", data: mustMarshal(tb,
			&WebSocketMessage{Type: WebSocketMessage_REQUEST.Enum()}), wantErr: true},
		unwrapCase{name: "response instead of request", data: mustMarshal(tb,
			&WebSocketMessage{
				Type:     WebSocketMessage_RESPONSE.Enum(),
				Response: &WebSocketResponseMessage{Body: derived[0].EnvelopeProtobuf},
			}), wantErr: true},
		unwrapCase{name: "request without body", data: mustMarshal(tb,
			&WebSocketMessage{
				Type: WebSocketMessage_REQUEST.Enum(),
				Request: &WebSocketRequestMessage{
					Verb: proto.String(""), Path: proto.String(""), RequestId: proto.Uint64(0),
				},
			}), wantErr: true},
		unwrapCase{name: "empty body", data: wrapBody(tb, []byte{}), wantErr: true},
		unwrapCase{name: "envelope without timestamp", data: wrapBody(tb, mustMarshal(tb, noTimestamp)), wantErr: true},
		unwrapCase{name: "envelope without type", data: wrapBody(tb, mustMarshal(tb, noType)), wantErr: true},
		unwrapCase{name: "envelope of unknown type", data: wrapBody(tb, mustMarshal(tb, unknownType)), wantErr: true},
		unwrapCase{name: "body is garbage", data: wrapBody(tb, []byte{0xff, 0xff, 0xff}), wantErr: true},
		unwrapCase{name: "truncated by one byte", data: valid[:len(valid)-1], wantErr: true},
		unwrapCase{name: "truncated in envelope header", data: valid[:20], wantErr: true},
		unwrapCase{name: "truncated in length prefix", data: valid[:3], wantErr: true},
	)
	return cases
}

func TestUnwrapEnvelope(t *testing.T) {
	for _, c := range unwrapCases(t) {
		t.Run(c.name, func(t *testing.T) {
			env, err := UnwrapEnvelope(c.data)
			if c.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("UnwrapEnvelope = %v, %v; want error wrapping ErrMalformed", env, err)
				}
				if env != nil {
					t.Errorf("UnwrapEnvelope returned an envelope with error %v", err)
				}
				if !strings.HasPrefix(err.Error(), "sessionpb: ") {
					t.Errorf("error %q lacks the package prefix", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkRewrap(t, env)
		})
	}
}

func TestWrapEnvelopeRejectsIncomplete(t *testing.T) {
	tests := []struct {
		name string
		env  *Envelope
	}{
		{"nil", nil},
		{"empty", &Envelope{}},
		{"no timestamp", &Envelope{Type: Envelope_SESSION_MESSAGE.Enum()}},
		{"no type", &Envelope{Timestamp: proto.Uint64(1)}},
		{"unknown type", &Envelope{Type: Envelope_Type(5).Enum(), Timestamp: proto.Uint64(1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if b, err := WrapEnvelope(tt.env); !errors.Is(err, ErrMalformed) {
				t.Errorf("WrapEnvelope = %x, %v; want error wrapping ErrMalformed", b, err)
			}
		})
	}
}

// checkRewrap wraps env again and checks that it unwraps to an equal
// envelope.
func checkRewrap(t *testing.T, env *Envelope) {
	t.Helper()
	again, err := WrapEnvelope(env)
	if err != nil {
		t.Fatalf("rewrap of unwrapped envelope: %v", err)
	}
	env2, err := UnwrapEnvelope(again)
	if err != nil {
		t.Fatalf("unwrap of rewrapped envelope: %v", err)
	}
	if !proto.Equal(env, env2) {
		t.Fatalf("rewrapped envelope = %v, want %v", env2, env)
	}
}

func FuzzUnwrapEnvelope(f *testing.F) {
	for _, c := range unwrapCases(f) {
		f.Add(c.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := UnwrapEnvelope(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) || env != nil {
				t.Fatalf("UnwrapEnvelope = %v, %v", env, err)
			}
			return
		}
		checkRewrap(t, env)
	})
}

func ExampleWrapEnvelope() {
	sealed := []byte("sealed box bytes") // from crypto's sign-and-seal
	proSig := make([]byte, 64)           // Pro signature or decoy
	env := NewEnvelope(1754971101000, sealed, proSig)

	data, err := WrapEnvelope(env)
	if err != nil {
		panic(err)
	}
	// data is what goes, base64-encoded, into a store request.

	got, err := UnwrapEnvelope(data)
	if err != nil {
		panic(err)
	}
	fmt.Println(got.GetType(), got.GetTimestamp(), string(got.GetContent()))
	// Output: SESSION_MESSAGE 1754971101000 sealed box bytes
}
