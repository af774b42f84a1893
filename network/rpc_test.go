package network

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"allium/crypto"
)

// testNowMs is the clock of every table case: the timestamp of the signature
// vectors.
const testNowMs int64 = 1754971101000

var testNow = time.UnixMilli(testNowMs)

// Two message hashes from the signature vectors.
const (
	testHash1 = "4sMyAuaZlMwww3oFvfhazfw7ASx/7TDtO+TVc8aAjHs"
	testHash2 = "61sViVBJwXtKa4omUS1v7Itd48jn1yH30TIb9A9zeVw"
)

const day = 24 * time.Hour

// testAccount is an account that can sign requests.
type testAccount struct {
	sk     ed25519.PrivateKey
	pubkey [33]byte
	pkHex  string
	edHex  string
}

// sessionAccount returns the 05 Session ID of the Ed25519 key with seed.
func sessionAccount(tb testing.TB, seed []byte) testAccount {
	tb.Helper()
	sk := ed25519.NewKeyFromSeed(seed)
	x, err := crypto.Ed25519PublicToX25519(sk[32:])
	if err != nil {
		tb.Fatal(err)
	}
	var pk [33]byte
	pk[0] = 0x05
	copy(pk[1:], x[:])
	return testAccount{sk, pk, hex.EncodeToString(pk[:]), hex.EncodeToString(sk[32:])}
}

// groupAccount returns a 03 pubkey, whose key bytes are the Ed25519 key.
func groupAccount(seed []byte) testAccount {
	sk := ed25519.NewKeyFromSeed(seed)
	var pk [33]byte
	pk[0] = 0x03
	copy(pk[1:], sk[32:])
	return testAccount{sk, pk, hex.EncodeToString(pk[:]), hex.EncodeToString(sk[32:])}
}

func (a testAccount) sig(msg []byte) string { return SignatureBase64(ed25519.Sign(a.sk, msg)) }

// p is a params object under construction.
type p map[string]any

// dropKey as a value in with removes the key.
type dropKey struct{}

var drop = dropKey{}

// with returns a copy of base with the key/value pairs kv applied.
func with(base p, kv ...any) p {
	out := maps.Clone(base)
	for i := 0; i < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == drop {
			delete(out, k)
		} else {
			out[k] = kv[i+1]
		}
	}
	return out
}

func body(method string, params any) string {
	b, err := json.Marshal(map[string]any{"method": method, "params": params})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// rawJSON is a JSON value written as is into a params object, for numbers
// that Go would not marshal as written.
type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }

// rpcCase is one request body and what parsing it at testNow gives: status
// 200 and a request that check accepts, or an error with that status whose
// message contains msg.
type rpcCase struct {
	name   string
	body   string
	status int
	msg    string
	check  func(t *testing.T, req any)
}

// parseMethod dispatches to the parser of method, as a node does.
func parseMethod(method string, params json.RawMessage, now time.Time) (any, *RPCError) {
	switch method {
	case MethodStore:
		return anyRequest(ParseStore(params, now))
	case MethodRetrieve:
		return anyRequest(ParseRetrieve(params, now))
	case MethodDelete:
		return anyRequest(ParseDelete(params, now))
	case MethodDeleteAll:
		return anyRequest(ParseDeleteAll(params, now))
	case MethodDeleteBefore:
		return anyRequest(ParseDeleteBefore(params, now))
	case MethodExpire:
		return anyRequest(ParseExpire(params, now))
	case MethodExpireAll:
		return anyRequest(ParseExpireAll(params, now))
	case MethodGetExpiries:
		return anyRequest(ParseGetExpiries(params, now))
	case MethodGetSwarm, MethodGetSnodesForPubkey:
		return anyRequest(ParseGetSwarm(params, now))
	case MethodInfo:
		return struct{}{}, nil
	case MethodBatch, MethodSequence:
		return anyRequest(ParseBatch(params))
	}
	return nil, NoMethodError(method)
}

func anyRequest[T any](req T, err *RPCError) (any, *RPCError) {
	if err != nil {
		return nil, err
	}
	return req, nil
}

func b64(n int) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{'x'}, n)) }

// caseAccounts are the accounts that sign the table cases: two Session IDs
// and a 03 pubkey.
type caseAccounts struct {
	acc, other, grp testAccount
}

func newCaseAccounts(tb testing.TB) caseAccounts {
	tb.Helper()
	return caseAccounts{
		acc:   sessionAccount(tb, mustHex(tb, "0123456789abcdef0123456789abcdef00000000000000000000000000000000")),
		other: sessionAccount(tb, bytes.Repeat([]byte{0x11}, 32)),
		grp:   groupAccount(bytes.Repeat([]byte{0x22}, 32)),
	}
}

// caseTable collects the table cases of one method family.
type caseTable []rpcCase

// add adds a case that fails with status and a message containing msg, or
// succeeds when status is 200.
func (c *caseTable) add(name, b string, status int, msg string) {
	*c = append(*c, rpcCase{name: name, body: b, status: status, msg: msg})
}

// addCheck adds a case that succeeds with a request that check accepts.
func (c *caseTable) addCheck(name, b string, check func(t *testing.T, req any)) {
	*c = append(*c, rpcCase{name: name, body: b, status: http.StatusOK, check: check})
}

// rpcCases is the table of every method, each family's cases in its own
// file; it is the table of TestRPCCases and the seed of FuzzParseRPCRequest.
func rpcCases(tb testing.TB) []rpcCase {
	tb.Helper()
	k := newCaseAccounts(tb)
	return slices.Concat(envelopeCases(), storeCases(k), retrieveCases(k), deleteCases(k),
		expireCases(k), getSwarmCases(k), batchCases(k))
}

// envelopeCases are the table cases of the {"method", "params"} envelope.
func envelopeCases() []rpcCase {
	ok := http.StatusOK
	var c caseTable
	add := c.add

	add("envelope/jsonrpc ignored", `{"jsonrpc":"2.0","method":"info","params":{}}`, ok, "")
	add("envelope/params absent", `{"method":"info"}`, ok, "")
	add("envelope/params null", `{"method":"info","params":null}`, ok, "")
	add("envelope/not json", `{"method":`, 400, "invalid json")
	add("envelope/array", `[{"method":"info"}]`, 400, "invalid json")
	add("envelope/null", `null`, 400, "invalid json")
	add("envelope/invalid utf-8", "{\"method\":\"info\xff\"}", 400, "invalid json")
	add("envelope/method missing", `{"params":{}}`, 400, "invalid json: no `method` field")
	add("envelope/method number", `{"method":5,"params":{}}`, 400, "invalid json: no `method` field")
	add("envelope/params array", `{"method":"info","params":[]}`, 400, "invalid json: no `params` field")
	add("envelope/params string", `{"method":"info","params":"{}"}`, 400, "invalid json: no `params` field")
	add("envelope/unknown method", `{"method":"frobnicate","params":{}}`, 400, "no method frobnicate")
	return c
}

func TestRPCCases(t *testing.T) {
	for _, tc := range rpcCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			method, params, err := ParseRPCRequest([]byte(tc.body))
			var req any
			if err == nil {
				req, err = parseMethod(method, params, testNow)
			}
			if tc.status == http.StatusOK {
				if err != nil {
					t.Fatalf("got %d %q, want success", err.Status, err.Message)
				}
				if tc.check != nil {
					tc.check(t, req)
				}
				roundTrip(t, method, req)
				return
			}
			if err == nil {
				t.Fatalf("got %+v, want %d %q", req, tc.status, tc.msg)
			}
			if err.Status != tc.status || !strings.Contains(err.Message, tc.msg) {
				t.Errorf("got %d %q, want %d containing %q", err.Status, err.Message, tc.status, tc.msg)
			}
			if err.Error() != err.Message {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

// roundTrip checks that a parsed request marshals back to params that parse
// to the same request.
func roundTrip(t *testing.T, method string, req any) {
	t.Helper()
	switch req.(type) {
	case struct{}, []SubRequest:
		return
	}
	params, err := json.Marshal(req)
	if err != nil {
		t.Fatalf("marshal %T: %v", req, err)
	}
	again, rerr := parseMethod(method, params, testNow)
	if rerr != nil {
		t.Fatalf("params %s from %+v do not parse: %v", params, req, rerr)
	}
	if !reflect.DeepEqual(again, req) {
		t.Fatalf("round trip through %s:\n got %+v\nwant %+v", params, again, req)
	}
}

// build is one builder call: the params it returns for method, the keys
// they must hold, and a check of the request they parse to.
type build struct {
	name   string
	method string
	params func() ([]byte, error)
	keys   string // sorted, comma-separated
	check  func(t *testing.T, req any)
}

// builderAccounts returns the accounts the builder tests sign with: a
// Session ID and a 03 pubkey.
func builderAccounts(tb testing.TB) (acc, grp testAccount) {
	tb.Helper()
	return sessionAccount(tb, bytes.Repeat([]byte{0x33}, 32)), groupAccount(bytes.Repeat([]byte{0x44}, 32))
}

func edKey(a testAccount) [32]byte { return [32]byte(a.sk[32:]) }

// runBuilds checks that every builder's params parse back, at the same
// clock, to the request they were built from, and that they hold the keys
// Session Desktop sends.
func runBuilds(t *testing.T, builds []build) {
	t.Helper()
	for _, b := range builds {
		t.Run(b.name, func(t *testing.T) {
			params, err := b.params()
			if err != nil {
				t.Fatal(err)
			}
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(params, &fields); err != nil {
				t.Fatal(err)
			}
			if keys := strings.Join(slices.Sorted(maps.Keys(fields)), ","); keys != b.keys {
				t.Errorf("keys %s, want %s", keys, b.keys)
			}
			reqBody, err := NewRPCRequestBody(b.method, params)
			if err != nil {
				t.Fatal(err)
			}
			method, got, rerr := ParseRPCRequest(reqBody)
			if rerr != nil || method != b.method || !bytes.Equal(got, params) {
				t.Fatalf("envelope: %q %s %v", method, got, rerr)
			}
			req, rerr := parseMethod(method, got, testNow)
			if rerr != nil {
				t.Fatalf("%s: %v", params, rerr)
			}
			if b.check != nil {
				b.check(t, req)
			}
		})
	}
}

// FuzzParseRPCRequest feeds arbitrary bodies through the envelope and the
// parser of their method (and of each subrequest of a batch). No input may
// panic; every error must be a 4xx with a message; every accepted request
// must marshal back to params that parse to the same request.
func FuzzParseRPCRequest(f *testing.F) {
	for _, tc := range rpcCases(f) {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		method, params, err := ParseRPCRequest(body)
		if err != nil {
			checkRPCError(t, err)
			return
		}
		req, err := parseMethod(method, params, testNow)
		if err != nil {
			checkRPCError(t, err)
			return
		}
		if subs, ok := req.([]SubRequest); ok {
			if len(subs) == 0 || len(subs) > MaxBatchRequests {
				t.Fatalf("%d subrequests", len(subs))
			}
			for _, s := range subs {
				subReq, err := parseMethod(s.Method, s.Params, testNow)
				if err != nil {
					checkRPCError(t, err)
					continue
				}
				if _, nested := subReq.([]SubRequest); nested {
					t.Fatal("nested batch accepted")
				}
				roundTrip(t, s.Method, subReq)
			}
			return
		}
		roundTrip(t, method, req)
	})
}

func checkRPCError(t *testing.T, err *RPCError) {
	t.Helper()
	if err.Status < 400 || err.Status > 499 || err.Message == "" {
		t.Fatalf("error %d %q", err.Status, err.Message)
	}
}

func ExampleParseRPCRequest() {
	body := []byte(`{"method":"get_swarm","params":{"pubkey":"05d2ad010eeb72d72e561d9de7bd7b6989af77dcabffa03a5111a6c859ae5c3a72"}}`)
	method, params, err := ParseRPCRequest(body)
	if err != nil {
		fmt.Println(err.Status, err)
		return
	}
	req, err := ParseGetSwarm(params, time.Now())
	if err != nil {
		fmt.Println(err.Status, err)
		return
	}
	fmt.Println(method, hex.EncodeToString(req.Pubkey[:4]))

	// Retrieving from the default namespace needs the owner's signature.
	_, err = ParseRetrieve(json.RawMessage(`{"pubkey":"05d2ad010eeb72d72e561d9de7bd7b6989af77dcabffa03a5111a6c859ae5c3a72"}`), time.Now())
	fmt.Println(err.Status, err)
	// Output:
	// get_swarm 05d2ad01
	// 401 retrieve: request signature required
}
