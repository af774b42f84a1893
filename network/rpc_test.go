package network

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
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

func rpcCases(tb testing.TB) []rpcCase {
	tb.Helper()
	acc := sessionAccount(tb, mustHex(tb, "0123456789abcdef0123456789abcdef00000000000000000000000000000000"))
	other := sessionAccount(tb, bytes.Repeat([]byte{0x11}, 32))
	grp := groupAccount(bytes.Repeat([]byte{0x22}, 32))
	T := testNowMs
	hashes := []string{testHash1, testHash2}
	ok := http.StatusOK

	var cases []rpcCase
	add := func(name, b string, status int, msg string) {
		cases = append(cases, rpcCase{name: name, body: b, status: status, msg: msg})
	}
	addCheck := func(name, b string, check func(t *testing.T, req any)) {
		cases = append(cases, rpcCase{name: name, body: b, status: ok, check: check})
	}

	// Envelope.
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

	// store.
	st := p{"pubkey": acc.pkHex, "timestamp": T, "namespace": 0, "ttl": int64(day / time.Millisecond), "data": "aGVsbG8="}
	signedStore := func(a testAccount, ns Namespace, sigTS int64, kv ...any) p {
		q := with(st, "pubkey", a.pkHex, "namespace", ns, "signature", a.sig(StoreSigMessage(ns, sigTS)))
		if a.pubkey[0] == 0x05 {
			q["pubkey_ed25519"] = a.edHex
		}
		return with(q, kv...)
	}
	addCheck("store/ok public inbox", body("store", st), func(t *testing.T, req any) {
		r := req.(StoreRequest)
		if string(r.Data) != "hello" || r.Expiry != T+int64(day/time.Millisecond) || r.Auth != nil || r.Pubkey != acc.pubkey {
			t.Errorf("got %+v", r)
		}
	})
	add("store/ok decimal strings", body("store", with(st, "timestamp", fmt.Sprint(T), "ttl", "86400000")), ok, "")
	addCheck("store/ok expiry instead of ttl", body("store", with(st, "ttl", drop, "expiry", T+3_600_000)), func(t *testing.T, req any) {
		if r := req.(StoreRequest); r.Expiry != T+3_600_000 {
			t.Errorf("expiry %d", r.Expiry)
		}
	})
	add("store/ok expiry as string", body("store", with(st, "ttl", drop, "expiry", fmt.Sprint(T+3_600_000))), ok, "")
	add("store/ok pubKey alias", body("store", with(st, "pubkey", drop, "pubKey", acc.pkHex)), ok, "")
	add("store/ok namespace absent", body("store", with(st, "namespace", drop)), ok, "")
	add("store/ok unpadded data", body("store", with(st, "data", "aGVsbG8")), ok, "")
	add("store/ok empty data", body("store", with(st, "data", "")), ok, "")
	addCheck("store/ok largest data", body("store", with(st, "data", b64(MaxMessageSize))), func(t *testing.T, req any) {
		if n := len(req.(StoreRequest).Data); n != MaxMessageSize {
			t.Errorf("data is %d bytes", n)
		}
	})
	add("store/ok ttl 10 s", body("store", with(st, "ttl", 10_000)), ok, "")
	add("store/ok ttl 14 days public", body("store", with(st, "ttl", int64(14*day/time.Millisecond))), ok, "")
	add("store/ok public namespace -30", body("store", with(st, "namespace", -30)), ok, "")
	add("store/ok timestamp 10 s ahead", body("store", with(st, "timestamp", T+10_000)), ok, "")
	add("store/ok expiry 10 s ago", body("store", with(st, "timestamp", T-20_000, "ttl", 10_000)), ok, "")
	add("store/ok signature ignored on public inbox", body("store", with(st, "pubkey_ed25519", acc.edHex, "signature", acc.sig([]byte("nonsense")))), ok, "")
	addCheck("store/ok signed owner namespace", body("store", signedStore(acc, 2, T)), func(t *testing.T, req any) {
		r := req.(StoreRequest)
		if r.Auth == nil || hex.EncodeToString(r.Auth.Ed25519[:]) != acc.edHex || r.Auth.Timestamp != T || r.Namespace != 2 {
			t.Errorf("got %+v", r)
		}
	})
	add("store/ok ttl 30 days owner", body("store", signedStore(acc, 2, T, "ttl", int64(30*day/time.Millisecond))), ok, "")
	addCheck("store/ok sig_timestamp", body("store", signedStore(acc, 5, T-30_000, "sig_timestamp", T-30_000)), func(t *testing.T, req any) {
		if r := req.(StoreRequest); r.Auth.Timestamp != T-30_000 {
			t.Errorf("sig timestamp %d", r.Auth.Timestamp)
		}
	})
	add("store/ok group 03 key", body("store", signedStore(grp, 11, T)), ok, "")
	add("store/ok public outbox", body("store", signedStore(acc, -1, T)), ok, "")
	add("store/ok unpadded signature", body("store", signedStore(acc, 2, T, "signature", strings.TrimRight(acc.sig(StoreSigMessage(2, T)), "="))), ok, "")

	add("store/params not object", `{"method":"store","params":[1]}`, 400, "no `params` field")
	add("store/timestamp bool", body("store", with(st, "timestamp", true)), 400, "Invalid value given for 'timestamp'")
	add("store/timestamp float", body("store", with(st, "timestamp", rawJSON("1754971101000.5"))), 400, "Invalid value given for 'timestamp'")
	add("store/timestamp exponent", body("store", with(st, "timestamp", rawJSON("1.754971101e12"))), 400, "Invalid value given for 'timestamp'")
	add("store/timestamp in seconds", body("store", with(st, "timestamp", T/1000)), 400, "timestamp must be in milliseconds")
	add("store/timestamp in seconds as string", body("store", with(st, "timestamp", fmt.Sprint(T/1000))), 400, "timestamp must be in milliseconds")
	add("store/timestamp not decimal", body("store", with(st, "timestamp", "12x")), 400, "Invalid value given for 'timestamp'")
	add("store/timestamp missing", body("store", with(st, "timestamp", drop)), 400, "Required field 'timestamp' missing")
	add("store/ttl negative", body("store", with(st, "ttl", -1)), 400, "Invalid value given for 'ttl'")
	add("store/ttl negative string", body("store", with(st, "ttl", "-1")), 400, "Invalid value given for 'ttl'")
	add("store/ttl and expiry", body("store", with(st, "expiry", T+3_600_000)), 400, "Cannot specify both 'expiry' and 'ttl'")
	add("store/no ttl or expiry", body("store", with(st, "ttl", drop)), 400, "Required field 'expiry' or 'ttl' missing")
	add("store/pubkey missing", body("store", with(st, "pubkey", drop)), 400, "Required field 'pubkey' missing")
	add("store/pubkey short", body("store", with(st, "pubkey", acc.pkHex[:64])), 400, "Pubkey must be 66 hex digits")
	add("store/pubkey not hex", body("store", with(st, "pubkey", "zz"+acc.pkHex[2:])), 400, "Pubkey must be 66 hex digits")
	add("store/pubkey number", body("store", with(st, "pubkey", 5)), 400, "Invalid value given for 'pubkey': expected string")
	add("store/pubkey and pubKey", body("store", with(st, "pubKey", acc.pkHex)), 400, "Cannot specify both 'pubkey' and 'pubKey'")
	add("store/namespace out of range", body("store", with(st, "namespace", 40000)), 400, "value out of range")
	add("store/namespace string", body("store", with(st, "namespace", "2")), 400, "expected 16-bit integer")
	add("store/namespace float", body("store", with(st, "namespace", rawJSON("2.0"))), 400, "expected 16-bit integer")
	add("store/data missing", body("store", with(st, "data", drop)), 400, "Required field 'data' missing")
	add("store/data not base64", body("store", with(st, "data", "<base64>")), 400, "Invalid 'data' value: not base64 encoded")
	add("store/data with newline", body("store", with(st, "data", "aGVs\nbG8=")), 400, "Invalid 'data' value")
	add("store/data bad padding", body("store", with(st, "data", "aGVsbG8==")), 400, "Invalid 'data' value")
	add("store/data too large", body("store", with(st, "data", b64(MaxMessageSize+1))), 400, "Message body exceeds maximum allowed length of 76800 bytes")
	add("store/test namespace", body("store", signedStore(acc, TestNamespace, T)), 400, "cannot store to namespace -3741")
	add("store/pubkey_ed25519 not hex", body("store", signedStore(acc, 2, T, "pubkey_ed25519", strings.Repeat("zz", 32))), 400, "pubkey_ed25519: value is not hex")
	add("store/pubkey_ed25519 short", body("store", signedStore(acc, 2, T, "pubkey_ed25519", acc.edHex[:62])), 400, "Invalid pubkey_ed25519")
	add("store/pubkey_ed25519 on 03 key", body("store", signedStore(grp, 11, T, "pubkey_ed25519", grp.edHex)), 400, "only permitted for 05")
	add("store/signature not base64", body("store", signedStore(acc, 2, T, "signature", strings.Repeat("!", 88))), 400, "invalid signature")
	add("store/signature too short", body("store", signedStore(acc, 2, T, "signature", "AAAA")), 400, "invalid signature")
	add("store/signature number", body("store", signedStore(acc, 2, T, "signature", 7)), 400, "Invalid value given for 'signature'")

	add("store/ttl under 10 s", body("store", with(st, "ttl", 9_999)), 403, "Provided expiry/TTL is not valid.")
	add("store/ttl over 14 days public", body("store", with(st, "ttl", int64(14*day/time.Millisecond)+1)), 403, "Provided expiry/TTL is not valid.")
	add("store/ttl over 30 days owner", body("store", signedStore(acc, 2, T, "ttl", int64(30*day/time.Millisecond)+1)), 403, "Provided expiry/TTL is not valid.")
	add("store/expiry before timestamp", body("store", with(st, "ttl", drop, "expiry", T-1)), 403, "Provided expiry/TTL is not valid.")
	add("store/timestamp too far ahead", body("store", with(st, "timestamp", T+10_001)), 406, "Timestamp error: check your clock")
	add("store/expiry too far back", body("store", with(st, "timestamp", T-20_001, "ttl", 10_000)), 406, "Timestamp error: check your clock")
	add("store/owner namespace unsigned", body("store", with(st, "namespace", 2)), 401, "store: signature required to store to namespace 2")
	add("store/public outbox unsigned", body("store", with(st, "namespace", -21)), 401, "store: signature required to store to namespace -21")
	add("store/sig_timestamp too old", body("store", signedStore(acc, 2, T-60_001, "sig_timestamp", T-60_001)), 406, "store signature timestamp too far from current time")
	add("store/sig_timestamp too new", body("store", signedStore(acc, 2, T+60_001, "sig_timestamp", T+60_001)), 406, "store signature timestamp too far from current time")
	add("store/signature for another namespace", body("store", signedStore(acc, 2, T, "namespace", 3)), 401, "store signature verification failed")
	add("store/pubkey_ed25519 of another account", body("store", signedStore(acc, 2, T, "pubkey_ed25519", other.edHex, "signature", other.sig(StoreSigMessage(2, T)))), 401, "store signature verification failed")
	add("store/05 without pubkey_ed25519", body("store", signedStore(acc, 2, T, "pubkey_ed25519", drop)), 401, "store signature verification failed")

	// retrieve.
	signedRetrieve := func(a testAccount, ns Namespace, ts int64, kv ...any) p {
		q := p{"pubkey": a.pkHex, "namespace": ns, "timestamp": ts, "signature": a.sig(RetrieveSigMessage(ns, ts)), "last_hash": ""}
		if a.pubkey[0] == 0x05 {
			q["pubkey_ed25519"] = a.edHex
		}
		return with(q, kv...)
	}
	rt := signedRetrieve(acc, 0, T)
	sizes := func(count, size int) func(t *testing.T, req any) {
		return func(t *testing.T, req any) {
			if r := req.(RetrieveRequest); r.MaxCount != count || r.MaxSize != size {
				t.Errorf("max_count %d max_size %d, want %d %d", r.MaxCount, r.MaxSize, count, size)
			}
		}
	}
	addCheck("retrieve/ok", body("retrieve", rt), func(t *testing.T, req any) {
		r := req.(RetrieveRequest)
		if r.Auth == nil || r.Auth.Timestamp != T || r.LastHash != "" || r.MaxCount != 0 || r.MaxSize != RetrieveMaxSize/5 {
			t.Errorf("got %+v", r)
		}
	})
	add("retrieve/ok namespace 2", body("retrieve", signedRetrieve(acc, 2, T)), ok, "")
	addCheck("retrieve/ok last_hash", body("retrieve", with(rt, "last_hash", testHash1)), func(t *testing.T, req any) {
		if r := req.(RetrieveRequest); r.LastHash != testHash1 {
			t.Errorf("last hash %q", r.LastHash)
		}
	})
	add("retrieve/ok lastHash alias", body("retrieve", with(rt, "last_hash", drop, "lastHash", testHash1)), ok, "")
	add("retrieve/ok pubKey alias", body("retrieve", with(rt, "pubkey", drop, "pubKey", acc.pkHex)), ok, "")
	add("retrieve/ok unpadded signature", body("retrieve", with(rt, "signature", strings.TrimRight(acc.sig(RetrieveSigMessage(0, T)), "="))), ok, "")
	add("retrieve/ok group 03 key", body("retrieve", signedRetrieve(grp, 11, T)), ok, "")
	addCheck("retrieve/ok public outbox unsigned", body("retrieve", p{"pubkey": acc.pkHex, "namespace": -1}), func(t *testing.T, req any) {
		if r := req.(RetrieveRequest); r.Auth != nil || r.Namespace != -1 {
			t.Errorf("got %+v", r)
		}
	})
	add("retrieve/ok legacy closed group unsigned", body("retrieve", p{"pubkey": acc.pkHex, "namespace": -10}), ok, "")
	// A 05 pubkey whose bytes are an Ed25519 key (not a real Session ID)
	// verifies without pubkey_ed25519, and must marshal back without it.
	selfSigned := acc
	selfSigned.pubkey[0] = 0x05
	copy(selfSigned.pubkey[1:], acc.sk[32:])
	selfSigned.pkHex = hex.EncodeToString(selfSigned.pubkey[:])
	add("retrieve/ok 05 key bytes are the signing key", body("retrieve", with(signedRetrieve(selfSigned, 0, T), "pubkey_ed25519", drop)), ok, "")
	add("retrieve/ok public outbox signed", body("retrieve", signedRetrieve(acc, -21, T)), ok, "")
	add("retrieve/ok timestamp 60 s ago", body("retrieve", signedRetrieve(acc, 0, T-60_000)), ok, "")
	add("retrieve/ok timestamp 60 s ahead", body("retrieve", signedRetrieve(acc, 0, T+60_000)), ok, "")
	addCheck("retrieve/ok max_size -1", body("retrieve", with(rt, "max_size", -1)), sizes(0, RetrieveMaxSize))
	addCheck("retrieve/ok max_size bytes", body("retrieve", with(rt, "max_size", 1000)), sizes(0, 1000))
	addCheck("retrieve/ok max_size over maximum", body("retrieve", with(rt, "max_size", 10_000_000)), sizes(0, RetrieveMaxSize))
	addCheck("retrieve/ok max_size tiny fraction", body("retrieve", with(rt, "max_size", -2147483648)), sizes(0, 1))
	addCheck("retrieve/ok max_count only", body("retrieve", with(rt, "max_count", 10)), sizes(10, RetrieveMaxSize))
	addCheck("retrieve/ok zeros mean unset", body("retrieve", with(rt, "max_count", 0, "max_size", 0)), sizes(0, RetrieveMaxSize/5))

	add("retrieve/pubkey missing", body("retrieve", with(rt, "pubkey", drop)), 400, "Required field 'pubkey' missing")
	add("retrieve/last_hash and lastHash", body("retrieve", with(rt, "lastHash", testHash1)), 400, "Cannot specify both 'last_hash' and 'lastHash'")
	add("retrieve/last_hash short", body("retrieve", with(rt, "last_hash", testHash1[:42])), 400, "Invalid last_hash: expected base64 (43 chars)")
	add("retrieve/last_hash not base64", body("retrieve", with(rt, "last_hash", strings.Repeat("!", 43))), 400, "Invalid last_hash: not base64")
	add("retrieve/last_hash number", body("retrieve", with(rt, "last_hash", 5)), 400, "Invalid value given for 'last_hash'")
	add("retrieve/max_count string", body("retrieve", with(rt, "max_count", "10")), 400, "Invalid value given for 'max_count'")
	add("retrieve/max_size float", body("retrieve", with(rt, "max_size", 1.5)), 400, "Invalid value given for 'max_size'")
	add("retrieve/max_size beyond 32 bits", body("retrieve", with(rt, "max_size", int64(1)<<33)), 400, "Invalid value given for 'max_size'")
	add("retrieve/namespace bool", body("retrieve", with(rt, "namespace", false)), 400, "Invalid value given for 'namespace'")
	add("retrieve/timestamp in seconds", body("retrieve", with(rt, "timestamp", T/1000)), 400, "timestamp must be in milliseconds")
	add("retrieve/timestamp negative", body("retrieve", with(rt, "timestamp", -T)), 400, "Invalid value given for 'timestamp'")
	add("retrieve/signature without timestamp", body("retrieve", with(rt, "timestamp", drop)), 400, "Required field 'timestamp' missing")
	add("retrieve/timestamp without signature", body("retrieve", with(rt, "signature", drop)), 400, "Required field 'signature' missing")
	add("retrieve/pubkey_ed25519 alone", body("retrieve", p{"pubkey": acc.pkHex, "pubkey_ed25519": acc.edHex}), 400, "Required field 'signature' missing")
	add("retrieve/unsigned namespace absent", body("retrieve", p{"pubkey": acc.pkHex, "last_hash": ""}), 401, "retrieve: request signature required")
	add("retrieve/unsigned namespace 0 given", body("retrieve", p{"pubkey": acc.pkHex, "namespace": 0}), 400, "Required field 'signature' missing")
	add("retrieve/unsigned namespace 2 given", body("retrieve", p{"pubkey": acc.pkHex, "namespace": 2}), 400, "Required field 'signature' missing")
	add("retrieve/signature for another namespace", body("retrieve", with(signedRetrieve(acc, 2, T), "namespace", 0)), 401, "retrieve signature verification failed")
	add("retrieve/signature for another time", body("retrieve", with(rt, "timestamp", T+1)), 401, "retrieve signature verification failed")
	add("retrieve/pubkey_ed25519 of another account", body("retrieve", with(rt, "pubkey_ed25519", other.edHex, "signature", other.sig(RetrieveSigMessage(0, T)))), 401, "retrieve signature verification failed")
	add("retrieve/05 without pubkey_ed25519", body("retrieve", with(rt, "pubkey_ed25519", drop)), 401, "retrieve signature verification failed")
	add("retrieve/timestamp too old", body("retrieve", signedRetrieve(acc, 0, T-60_001)), 406, "retrieve timestamp too far from current time")
	add("retrieve/timestamp too new", body("retrieve", signedRetrieve(acc, 0, T+60_001)), 406, "retrieve timestamp too far from current time")

	// delete.
	del := p{"pubkey": acc.pkHex, "pubkey_ed25519": acc.edHex, "messages": hashes, "signature": acc.sig(DeleteSigMessage(hashes))}
	addCheck("delete/ok", body("delete", del), func(t *testing.T, req any) {
		if r := req.(DeleteRequest); !slices.Equal(r.Hashes, hashes) || r.Required {
			t.Errorf("got %+v", r)
		}
	})
	addCheck("delete/ok required", body("delete", with(del, "required", true)), func(t *testing.T, req any) {
		if !req.(DeleteRequest).Required {
			t.Error("required not set")
		}
	})
	add("delete/ok single hash as string", body("delete", with(del, "messages", testHash1, "signature", acc.sig(DeleteSigMessage([]string{testHash1})))), ok, "")
	add("delete/ok group 03 key", body("delete", p{"pubkey": grp.pkHex, "messages": hashes, "signature": grp.sig(DeleteSigMessage(hashes))}), ok, "")
	add("delete/messages missing", body("delete", with(del, "messages", drop)), 400, "Required field 'messages' missing")
	add("delete/messages empty", body("delete", with(del, "messages", []string{})), 400, "messages does not contain any message hashes")
	add("delete/messages bad hash", body("delete", with(del, "messages", []string{testHash1, "abc"})), 400, "invalid message hash: abc")
	add("delete/messages long bad hash", body("delete", with(del, "messages", []string{strings.Repeat("A", 1000)})), 400, "invalid message hash: "+strings.Repeat("A", 44)+"…")
	add("delete/messages numbers", body("delete", with(del, "messages", []int{1})), 400, "expected string array")
	add("delete/messages object", body("delete", with(del, "messages", p{})), 400, "expected string array")
	add("delete/required string", body("delete", with(del, "required", "yes")), 400, "Invalid value given for 'required': expected boolean")
	add("delete/signature missing", body("delete", with(del, "signature", drop)), 400, "Required field 'signature' missing")
	add("delete/pubKey alias not accepted", body("delete", with(del, "pubkey", drop, "pubKey", acc.pkHex)), 400, "Required field 'pubkey' missing")
	add("delete/hashes reordered", body("delete", with(del, "messages", []string{testHash2, testHash1})), 401, "delete_msgs signature verification failed")

	// delete_all.
	delAll := func(ns NamespaceOrAll, ts int64, nsJSON any) p {
		q := p{"pubkey": acc.pkHex, "pubkey_ed25519": acc.edHex, "timestamp": ts, "signature": acc.sig(DeleteAllSigMessage(ns, ts))}
		if nsJSON != nil {
			q["namespace"] = nsJSON
		}
		return q
	}
	da := delAll(AllNamespaces(), T, "all")
	addCheck("delete_all/ok all", body("delete_all", da), func(t *testing.T, req any) {
		if r := req.(DeleteAllRequest); !r.Namespace.All() || r.Timestamp != T || r.Auth.Timestamp != T {
			t.Errorf("got %+v", r)
		}
	})
	addCheck("delete_all/ok namespace 5", body("delete_all", delAll(OneNamespace(5), T, 5)), func(t *testing.T, req any) {
		if ns, ok := req.(DeleteAllRequest).Namespace.Namespace(); !ok || ns != 5 {
			t.Errorf("namespace %v %v", ns, ok)
		}
	})
	add("delete_all/ok namespace absent", body("delete_all", delAll(OneNamespace(0), T, nil)), ok, "")
	add("delete_all/namespace word", body("delete_all", with(da, "namespace", "every")), 400, `expected integer or "all"`)
	add("delete_all/namespace bool", body("delete_all", with(da, "namespace", true)), 400, `expected integer or "all"`)
	add("delete_all/namespace out of range", body("delete_all", with(da, "namespace", -40000)), 400, "value out of range")
	add("delete_all/timestamp missing", body("delete_all", with(da, "timestamp", drop)), 400, "Required field 'timestamp' missing")
	add("delete_all/timestamp in seconds", body("delete_all", with(da, "timestamp", T/1000)), 400, "timestamp must be in milliseconds")
	add("delete_all/timestamp too old", body("delete_all", delAll(AllNamespaces(), T-60_001, "all")), 406, "delete_all timestamp too far from current time")
	add("delete_all/timestamp too new", body("delete_all", delAll(AllNamespaces(), T+60_001, "all")), 406, "delete_all timestamp too far from current time")
	add("delete_all/signature for one namespace", body("delete_all", with(delAll(OneNamespace(5), T, 5), "namespace", "all")), 401, "delete_all signature verification failed")

	// delete_before.
	delBefore := func(before int64) p {
		return p{"pubkey": acc.pkHex, "pubkey_ed25519": acc.edHex, "namespace": 0, "before": before,
			"signature": acc.sig(DeleteBeforeSigMessage(OneNamespace(0), before))}
	}
	db := delBefore(T - 3_600_000)
	add("delete_before/ok", body("delete_before", db), ok, "")
	add("delete_before/ok 60 s ahead", body("delete_before", delBefore(T+60_000)), ok, "")
	add("delete_before/before missing", body("delete_before", with(db, "before", drop)), 400, "Required field 'before' missing")
	add("delete_before/before string", body("delete_before", with(db, "before", "1754971101000")), 400, "Invalid value given for 'before'")
	add("delete_before/before too far ahead", body("delete_before", delBefore(T+60_001)), 401, "delete_before timestamp too far in the future")
	add("delete_before/signature for all", body("delete_before", with(db, "namespace", "all")), 401, "delete_before signature verification failed")

	// expire.
	expire := func(mode ExpireMode, expiry int64, kv ...any) p {
		q := p{"pubkey": acc.pkHex, "pubkey_ed25519": acc.edHex, "messages": hashes, "expiry": expiry,
			"signature": acc.sig(ExpireSigMessage(mode, expiry, hashes))}
		if mode != ExpireSet {
			q[string(mode)] = true
		}
		return with(q, kv...)
	}
	ex := expire(ExpireSet, T+86_400_000)
	addCheck("expire/ok", body("expire", ex), func(t *testing.T, req any) {
		if r := req.(ExpireRequest); r.Expiry != T+86_400_000 || r.Mode != ExpireSet || !slices.Equal(r.Hashes, hashes) {
			t.Errorf("got %+v", r)
		}
	})
	addCheck("expire/ok shorten", body("expire", expire(ExpireShorten, T+1000)), func(t *testing.T, req any) {
		if m := req.(ExpireRequest).Mode; m != ExpireShorten {
			t.Errorf("mode %q", m)
		}
	})
	add("expire/ok extend", body("expire", expire(ExpireExtend, T+40*86_400_000)), ok, "")
	add("expire/ok shorten false", body("expire", with(ex, "shorten", false)), ok, "")
	add("expire/ok expiry list of one", body("expire", with(ex, "expiry", []int64{T + 86_400_000})), ok, "")
	add("expire/ok expiry 60 s ago", body("expire", expire(ExpireSet, T-60_000)), ok, "")
	add("expire/shorten and extend", body("expire", expire(ExpireShorten, T+1000, "extend", true)), 400, "cannot specify both 'shorten' and 'extend'")
	add("expire/several expiries", body("expire", with(ex, "expiry", []int64{T + 1000, T + 2000})), 400, "'expiry' must be a single expiry")
	add("expire/expiry empty list", body("expire", with(ex, "expiry", []int64{})), 400, "'expiry' does not contain any expiration timestamps")
	add("expire/expiry list of strings", body("expire", with(ex, "expiry", []string{"1"})), 400, "expected timestamp array")
	add("expire/expiry in seconds", body("expire", with(ex, "expiry", T/1000)), 400, "timestamp must be in milliseconds")
	add("expire/expiry list in seconds", body("expire", with(ex, "expiry", []int64{T / 1000})), 400, "timestamp must be in milliseconds")
	add("expire/expiry missing", body("expire", with(ex, "expiry", drop)), 400, "Required field 'expiry' missing")
	add("expire/expiry string", body("expire", with(ex, "expiry", "soon")), 400, "Invalid value given for 'expiry'")
	add("expire/messages missing", body("expire", with(ex, "messages", drop)), 400, "Required field 'messages' missing")
	add("expire/bad hash", body("expire", with(ex, "messages", []string{"x"})), 400, "invalid message hash: x")
	add("expire/shorten string", body("expire", with(ex, "shorten", "true")), 400, "Invalid value given for 'shorten': expected boolean")
	add("expire/expiry in the past", body("expire", expire(ExpireSet, T-60_001)), 401, "expire: timestamp should be >= current time")
	add("expire/mode not signed", body("expire", with(ex, "shorten", true)), 401, "expire: signature verification failed")

	// expire_all.
	expireAll := func(ns NamespaceOrAll, nsJSON any, expiry int64) p {
		return p{"pubkey": acc.pkHex, "pubkey_ed25519": acc.edHex, "namespace": nsJSON, "expiry": expiry,
			"signature": acc.sig(ExpireAllSigMessage(ns, expiry))}
	}
	ea := expireAll(AllNamespaces(), "all", T+3_600_000)
	add("expire_all/ok", body("expire_all", ea), ok, "")
	add("expire_all/ok namespace 3", body("expire_all", expireAll(OneNamespace(3), 3, T+3_600_000)), ok, "")
	add("expire_all/expiry missing", body("expire_all", with(ea, "expiry", drop)), 400, "Required field 'expiry' missing")
	add("expire_all/expiry in the past", body("expire_all", expireAll(AllNamespaces(), "all", T-60_001)), 406, "expire_all timestamp should be >= current time")
	add("expire_all/signature for another expiry", body("expire_all", with(ea, "expiry", T+3_600_001)), 401, "expire_all signature verification failed")

	// get_expiries.
	getExp := func(ts int64) p {
		return p{"pubkey": acc.pkHex, "pubkey_ed25519": acc.edHex, "messages": hashes, "timestamp": ts,
			"signature": acc.sig(GetExpiriesSigMessage(ts, hashes))}
	}
	ge := getExp(T)
	addCheck("get_expiries/ok", body("get_expiries", ge), func(t *testing.T, req any) {
		if r := req.(GetExpiriesRequest); r.Timestamp != T || !slices.Equal(r.Hashes, hashes) {
			t.Errorf("got %+v", r)
		}
	})
	add("get_expiries/timestamp missing", body("get_expiries", with(ge, "timestamp", drop)), 400, "Required field 'timestamp' missing")
	add("get_expiries/messages empty", body("get_expiries", with(ge, "messages", []string{})), 400, "messages does not contain any message hashes")
	add("get_expiries/timestamp too new", body("get_expiries", getExp(T+60_001)), 406, "get_expiries timestamp too far from current time")
	add("get_expiries/timestamp too old", body("get_expiries", getExp(T-60_001)), 406, "get_expiries timestamp too far from current time")
	add("get_expiries/signature over other hashes", body("get_expiries", with(ge, "messages", []string{testHash1})), 401, "get_expiries signature verification failed")

	// get_swarm.
	addCheck("get_swarm/ok", body("get_swarm", p{"pubkey": acc.pkHex}), func(t *testing.T, req any) {
		if req.(GetSwarmRequest).Pubkey != acc.pubkey {
			t.Error("wrong pubkey")
		}
	})
	add("get_swarm/ok pubKey", body("get_swarm", p{"pubKey": acc.pkHex}), ok, "")
	add("get_swarm/ok upper-case hex", body("get_swarm", p{"pubkey": strings.ToUpper(acc.pkHex)}), ok, "")
	add("get_swarm/ok nested params ignored", body("get_swarm", p{"pubkey": acc.pkHex, "params": p{"active_only": true}}), ok, "")
	add("get_swarm/ok old name", body("get_snodes_for_pubkey", p{"pubkey": acc.pkHex}), ok, "")
	add("get_swarm/pubkey missing", body("get_swarm", p{}), 400, "Required field 'pubkey' missing")
	add("get_swarm/pubkey bad", body("get_swarm", p{"pubkey": "05"}), 400, "Pubkey must be 66 hex digits")

	// batch and sequence.
	sub := p{"method": "retrieve", "params": rt}
	many := func(n int) p {
		reqs := make([]any, n)
		for i := range reqs {
			reqs[i] = sub
		}
		return p{"requests": reqs}
	}
	addCheck("batch/ok one", body("batch", many(1)), func(t *testing.T, req any) {
		subs := req.([]SubRequest)
		if len(subs) != 1 || subs[0].Method != "retrieve" {
			t.Fatalf("got %+v", subs)
		}
		if _, err := ParseRetrieve(subs[0].Params, testNow); err != nil {
			t.Error(err)
		}
	})
	add("batch/ok twenty", body("batch", many(MaxBatchRequests)), ok, "")
	add("batch/ok sequence", body("sequence", many(2)), ok, "")
	addCheck("batch/ok params absent", body("batch", p{"requests": []any{p{"method": "info"}}}), func(t *testing.T, req any) {
		if s := req.([]SubRequest)[0]; string(s.Params) != "{}" {
			t.Errorf("params %s", s.Params)
		}
	})
	add("batch/ok unknown method left to caller", body("batch", p{"requests": []any{p{"method": "frobnicate", "params": p{}}}}), ok, "")
	add("batch/empty", body("batch", many(0)), 400, `Invalid batch request: no valid "requests" field`)
	add("batch/too many", body("batch", many(MaxBatchRequests+1)), 400, "Invalid batch request: subrequest limit exceeded")
	add("batch/requests missing", body("batch", p{}), 400, `no valid "requests" field`)
	add("batch/requests object", body("batch", p{"requests": sub}), 400, `no valid "requests" field`)
	add("batch/nested batch", body("batch", p{"requests": []any{p{"method": "batch", "params": many(1)}}}), 400, "subrequests may not contain meta-requests")
	add("batch/nested sequence", body("sequence", p{"requests": []any{sub, p{"method": "sequence", "params": many(1)}}}), 400, "subrequests may not contain meta-requests")
	add("batch/nested ifelse", body("batch", p{"requests": []any{p{"method": "ifelse", "params": p{}}}}), 400, "subrequests may not contain meta-requests")
	add("batch/subrequest not object", body("batch", p{"requests": []any{"retrieve"}}), 400, "requests must be objects")
	add("batch/subrequest without method", body("batch", p{"requests": []any{p{"params": rt}}}), 400, "subrequests must have method/params keys")
	add("batch/subrequest params array", body("batch", p{"requests": []any{p{"method": "retrieve", "params": []int{}}}}), 400, "subrequests must have method/params keys")
	return cases
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

func TestParamsNotObject(t *testing.T) {
	for _, params := range []string{`[]`, `"x"`, `5`, `{`} {
		if _, err := ParseStore(json.RawMessage(params), testNow); err == nil || err.Status != 400 {
			t.Errorf("ParseStore(%s) = %v", params, err)
		}
		if _, err := ParseBatch(json.RawMessage(params)); err == nil || err.Status != 400 {
			t.Errorf("ParseBatch(%s) = %v", params, err)
		}
	}
	// Absent params are an empty object: the pubkey is what is missing.
	if _, err := ParseGetSwarm(nil, testNow); err == nil || !strings.Contains(err.Message, "'pubkey' missing") {
		t.Errorf("ParseGetSwarm(nil) = %v", err)
	}
}

// TestStorageSignatureVectors parses the example params of the signature
// vectors at their own timestamp.
func TestStorageSignatureVectors(t *testing.T) {
	var v struct {
		Cases []struct {
			Label         string                     `json:"label"`
			SignedMessage string                     `json:"signed_message_utf8"`
			SignatureHex  string                     `json:"signature_hex"`
			Params        map[string]json.RawMessage `json:"example_params"`
		} `json:"cases"`
	}
	loadVectors(t, "storage_signatures.json", &v)
	n := 0
	for _, c := range v.Cases {
		if c.Params == nil {
			continue
		}
		n++
		t.Run(c.Label, func(t *testing.T) {
			method := strings.TrimSuffix(strings.Fields(c.Label)[0], ",")
			if method == MethodStore {
				// The vector leaves the message body as a placeholder.
				c.Params["data"] = json.RawMessage(`"aGVsbG8="`)
			}
			now := testNow
			if ts, ok := c.Params["timestamp"]; ok {
				var ms int64
				if err := json.Unmarshal(ts, &ms); err != nil {
					t.Fatal(err)
				}
				now = time.UnixMilli(ms)
			}
			params, err := json.Marshal(c.Params)
			if err != nil {
				t.Fatal(err)
			}
			req, rerr := parseMethod(method, params, now)
			if rerr != nil {
				t.Fatalf("%s: %v", method, rerr)
			}
			var auth Auth
			var msg []byte
			switch r := req.(type) {
			case StoreRequest:
				auth, msg = *r.Auth, StoreSigMessage(r.Namespace, r.Auth.Timestamp)
			case RetrieveRequest:
				auth, msg = *r.Auth, RetrieveSigMessage(r.Namespace, r.Auth.Timestamp)
			case DeleteRequest:
				auth, msg = r.Auth, DeleteSigMessage(r.Hashes)
			case DeleteAllRequest:
				auth, msg = r.Auth, DeleteAllSigMessage(r.Namespace, r.Timestamp)
			case ExpireRequest:
				auth, msg = r.Auth, ExpireSigMessage(r.Mode, r.Expiry, r.Hashes)
			default:
				t.Fatalf("unexpected %T", req)
			}
			if string(msg) != c.SignedMessage {
				t.Errorf("signed message %q, want %q", msg, c.SignedMessage)
			}
			if hex.EncodeToString(auth.Signature[:]) != c.SignatureHex {
				t.Errorf("signature %x", auth.Signature)
			}
			roundTrip(t, method, req)
		})
	}
	if n == 0 {
		t.Fatal("no example params in the vectors")
	}
}

// TestBuilders checks that every builder's params parse back, at the same
// clock, to the request they were built from, and that they hold the keys
// Session Desktop sends.
func TestBuilders(t *testing.T) {
	acc := sessionAccount(t, bytes.Repeat([]byte{0x33}, 32))
	grp := groupAccount(bytes.Repeat([]byte{0x44}, 32))
	hashes := []string{testHash1, testHash2}
	T := testNowMs
	type build struct {
		name   string
		method string
		params func() ([]byte, error)
		keys   string // sorted, comma-separated
		check  func(t *testing.T, req any)
	}
	edKey := func(a testAccount) [32]byte { return [32]byte(a.sk[32:]) }
	builds := []build{
		{"store", MethodStore, func() ([]byte, error) {
			return NewStoreParams(acc.pubkey, 0, testNow, 14*day, []byte("hi"))
		}, "data,namespace,pubkey,timestamp,ttl", func(t *testing.T, req any) {
			r := req.(StoreRequest)
			if r.Timestamp != T || r.Expiry != T+int64(14*day/time.Millisecond) || string(r.Data) != "hi" || r.Auth != nil {
				t.Errorf("got %+v", r)
			}
		}},
		{"signed store", MethodStore, func() ([]byte, error) {
			return NewSignedStoreParams(acc.sk, acc.pubkey, 2, testNow, 30*day, []byte("cfg"))
		}, "data,namespace,pubkey,pubkey_ed25519,signature,timestamp,ttl", func(t *testing.T, req any) {
			r := req.(StoreRequest)
			if r.Auth == nil || r.Auth.Ed25519 != edKey(acc) || r.Auth.Timestamp != T || r.Namespace != 2 {
				t.Errorf("got %+v", r)
			}
		}},
		{"signed store 03", MethodStore, func() ([]byte, error) {
			return NewSignedStoreParams(grp.sk, grp.pubkey, 11, testNow, day, []byte("grp"))
		}, "data,namespace,pubkey,signature,timestamp,ttl", nil},
		{"retrieve", MethodRetrieve, func() ([]byte, error) {
			return NewRetrieveParams(acc.sk, acc.pubkey, 0, testHash1, testNow)
		}, "last_hash,namespace,pubkey,pubkey_ed25519,signature,timestamp", func(t *testing.T, req any) {
			r := req.(RetrieveRequest)
			if r.LastHash != testHash1 || r.Auth == nil || r.Auth.Timestamp != T || r.Namespace != 0 {
				t.Errorf("got %+v", r)
			}
		}},
		{"retrieve 03", MethodRetrieve, func() ([]byte, error) {
			return NewRetrieveParams(grp.sk, grp.pubkey, 11, "", testNow)
		}, "last_hash,namespace,pubkey,signature,timestamp", nil},
		{"delete", MethodDelete, func() ([]byte, error) {
			return NewDeleteParams(acc.sk, acc.pubkey, hashes)
		}, "messages,pubkey,pubkey_ed25519,signature", func(t *testing.T, req any) {
			if r := req.(DeleteRequest); !slices.Equal(r.Hashes, hashes) || r.Auth.Ed25519 != edKey(acc) {
				t.Errorf("got %+v", r)
			}
		}},
		{"delete_all", MethodDeleteAll, func() ([]byte, error) {
			return NewDeleteAllParams(acc.sk, acc.pubkey, AllNamespaces(), testNow)
		}, "namespace,pubkey,pubkey_ed25519,signature,timestamp", func(t *testing.T, req any) {
			if r := req.(DeleteAllRequest); !r.Namespace.All() || r.Timestamp != T {
				t.Errorf("got %+v", r)
			}
		}},
		{"delete_before", MethodDeleteBefore, func() ([]byte, error) {
			return NewDeleteBeforeParams(acc.sk, acc.pubkey, OneNamespace(0), testNow.Add(-time.Hour))
		}, "before,namespace,pubkey,pubkey_ed25519,signature", func(t *testing.T, req any) {
			if r := req.(DeleteBeforeRequest); r.Before != T-3_600_000 {
				t.Errorf("got %+v", r)
			}
		}},
		{"expire", MethodExpire, func() ([]byte, error) {
			return NewExpireParams(acc.sk, acc.pubkey, hashes, testNow.Add(day), ExpireSet)
		}, "expiry,messages,pubkey,pubkey_ed25519,signature", func(t *testing.T, req any) {
			if r := req.(ExpireRequest); r.Expiry != T+86_400_000 || r.Mode != ExpireSet {
				t.Errorf("got %+v", r)
			}
		}},
		{"expire extend", MethodExpire, func() ([]byte, error) {
			return NewExpireParams(acc.sk, acc.pubkey, hashes[:1], testNow.Add(day), ExpireExtend)
		}, "expiry,extend,messages,pubkey,pubkey_ed25519,signature", func(t *testing.T, req any) {
			if r := req.(ExpireRequest); r.Mode != ExpireExtend {
				t.Errorf("got %+v", r)
			}
		}},
		{"expire_all", MethodExpireAll, func() ([]byte, error) {
			return NewExpireAllParams(acc.sk, acc.pubkey, OneNamespace(-21), testNow.Add(time.Minute))
		}, "expiry,namespace,pubkey,pubkey_ed25519,signature", nil},
		{"get_expiries", MethodGetExpiries, func() ([]byte, error) {
			return NewGetExpiriesParams(acc.sk, acc.pubkey, hashes, testNow)
		}, "messages,pubkey,pubkey_ed25519,signature,timestamp", nil},
		{"get_swarm", MethodGetSwarm, func() ([]byte, error) {
			return NewGetSwarmParams(acc.pubkey)
		}, "pubkey", func(t *testing.T, req any) {
			if req.(GetSwarmRequest).Pubkey != acc.pubkey {
				t.Error("wrong pubkey")
			}
		}},
	}
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

	t.Run("batch", func(t *testing.T) {
		r1, _ := NewRetrieveParams(acc.sk, acc.pubkey, 0, "", testNow)
		r2, _ := NewRetrieveParams(acc.sk, acc.pubkey, 2, "", testNow)
		params, err := NewBatchParams([]SubRequest{{MethodRetrieve, r1}, {MethodRetrieve, r2}, {Method: MethodInfo}})
		if err != nil {
			t.Fatal(err)
		}
		subs, rerr := ParseBatch(params)
		if rerr != nil || len(subs) != 3 {
			t.Fatalf("%d subrequests, %v", len(subs), rerr)
		}
		for _, s := range subs[:2] {
			if _, rerr := ParseRetrieve(s.Params, testNow); rerr != nil {
				t.Error(rerr)
			}
		}
	})

	t.Run("errors", func(t *testing.T) {
		if _, err := NewStoreParams(acc.pubkey, 2, testNow, day, nil); !errors.Is(err, ErrSignatureRequired) {
			t.Errorf("unsigned store to 2: %v", err)
		}
		if _, err := NewRetrieveParams(grp.sk, acc.pubkey, 0, "", testNow); !errors.Is(err, ErrKeyMismatch) {
			t.Errorf("wrong key for 05: %v", err)
		}
		if _, err := NewDeleteParams(acc.sk, grp.pubkey, []string{testHash1}); !errors.Is(err, ErrKeyMismatch) {
			t.Errorf("wrong key for 03: %v", err)
		}
		if _, err := NewDeleteAllParams(acc.sk[:32], acc.pubkey, AllNamespaces(), testNow); !errors.Is(err, ErrKeyMismatch) {
			t.Errorf("short key: %v", err)
		}
	})
}

func TestResponses(t *testing.T) {
	t.Run("store", func(t *testing.T) {
		const body = `{"swarm": {"aa": {"hash": "h", "signature": "s", "expiry": 1754972101000, "already": true},
			"bb": {"failed": true, "timeout": true}, "cc": {"failed": true, "code": "401", "reason": "no"}},
			"hash": "h", "t": 1754971101123, "hf": [21, 0]}`
		var r StoreResponse
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		if a := r.Swarm["aa"]; !a.Already || a.Expiry != 1754972101000 || a.Failed {
			t.Errorf("aa: %+v", a)
		}
		if b := r.Swarm["bb"]; !b.Failed || !b.Timeout {
			t.Errorf("bb: %+v", b)
		}
		if c := r.Swarm["cc"]; c.Code != 401 || c.Reason != "no" {
			t.Errorf("cc: %+v", c)
		}
		if r.T != 1754971101123 || r.HF != [2]int{21, 0} {
			t.Errorf("t %d hf %v", r.T, r.HF)
		}
		out, _ := json.Marshal(StoreResult{PeerFailure: PeerFailure{Failed: true, Code: 500}})
		if string(out) != `{"failed":true,"code":500}` {
			t.Errorf("failure marshals as %s", out)
		}
	})
	t.Run("retrieve", func(t *testing.T) {
		const body = `{"messages": [{"hash": "h", "timestamp": 1754971101000, "expiration": 1756180701000, "data": "aGk="}],
			"more": false, "t": 1754971102000, "hf": [21, 0]}`
		var r RetrieveResponse
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Messages) != 1 || r.Messages[0].Expiration != 1756180701000 || r.Messages[0].Data != "aGk=" {
			t.Errorf("got %+v", r)
		}
	})
	t.Run("swarm", func(t *testing.T) {
		const body = `{"snodes": [{"address": "x.snode", "pubkey_legacy": "aa", "pubkey_x25519": "bb",
			"pubkey_ed25519": "cc", "port": "22021", "port_https": 22021, "port_omq": 22020,
			"port_quic": 22020, "ip": "1.2.3.4"}], "swarm": "ffffffffffffffff", "t": 1, "hf": [21, 0]}`
		var r SwarmResponse
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		if n := r.Snodes[0]; n.PortHTTPS != 22021 || n.PortQUIC != 22020 || n.IP != "1.2.3.4" || n.Port != "22021" {
			t.Errorf("got %+v", n)
		}
		if id, err := r.SwarmID(); err != nil || id != InvalidSwarmID {
			t.Errorf("swarm id %x %v", id, err)
		}
		if s := FormatSwarmID(0x0abc); s != "abc" {
			t.Errorf("FormatSwarmID = %q", s)
		}
		if _, err := (SwarmResponse{Swarm: "0x1"}).SwarmID(); !errors.Is(err, ErrBadSwarmID) {
			t.Errorf("0x1: %v", err)
		}
	})
	t.Run("affected hashes", func(t *testing.T) {
		const body = `{"swarm": {"aa": {"deleted": {"0": ["c", "a"], "2": ["b"]}, "signature": "s"},
			"bb": {"deleted": ["z", "y"], "signature": "s"}, "cc": {"failed": true}}, "t": 1, "hf": [21, 0]}`
		var r DeleteResponse
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		if got := r.Swarm["aa"].Deleted.Sorted(); !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Errorf("by namespace sorted: %v", got)
		}
		if got := r.Swarm["bb"].Deleted.Hashes; !slices.Equal(got, []string{"z", "y"}) {
			t.Errorf("list: %v", got)
		}
		if !r.Swarm["cc"].Deleted.IsZero() {
			t.Error("failed member has hashes")
		}
		for _, c := range []struct {
			res  DeleteResult
			want string
		}{
			{DeleteResult{PeerFailure: PeerFailure{Failed: true, Timeout: true}}, `{"failed":true,"timeout":true}`},
			{DeleteResult{Deleted: AffectedHashes{Hashes: []string{}}, Signature: "s"}, `{"deleted":[],"signature":"s"}`},
			{DeleteResult{Deleted: AffectedHashes{ByNamespace: map[Namespace][]string{-21: {"a"}}}, Signature: "s"}, `{"deleted":{"-21":["a"]},"signature":"s"}`},
		} {
			out, err := json.Marshal(c.res)
			if err != nil || string(out) != c.want {
				t.Errorf("marshal %+v = %s %v, want %s", c.res, out, err, c.want)
			}
		}
		var bad AffectedHashes
		if err := json.Unmarshal([]byte(`{"x":[]}`), &bad); err == nil {
			t.Error("namespace key x accepted")
		}
	})
	t.Run("expire", func(t *testing.T) {
		const body = `{"swarm": {"aa": {"expiry": 5, "updated": ["a"], "unchanged": {"b": 4}, "signature": "s"}}, "t": 1, "hf": [21, 0]}`
		var r ExpireResponse
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		if a := r.Swarm["aa"]; a.Expiry != 5 || a.Unchanged["b"] != 4 || len(a.Updated) != 1 {
			t.Errorf("got %+v", a)
		}
		out, _ := json.Marshal(ExpireResult{Expiry: 5, Updated: []string{}, Signature: "s"})
		if string(out) != `{"expiry":5,"updated":[],"signature":"s"}` {
			t.Errorf("marshal: %s", out)
		}
	})
	t.Run("batch", func(t *testing.T) {
		res := BatchResponse{Results: []BatchResult{
			{Code: 200, Body: json.RawMessage(`{"t":1}`)},
			NewRPCError(401, "retrieve: request signature required").BatchResult(),
		}}
		out, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		const want = `{"results":[{"code":200,"body":{"t":1}},{"code":401,"body":"retrieve: request signature required"}]}`
		if string(out) != want {
			t.Errorf("got %s", out)
		}
	})
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
