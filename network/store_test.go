package network

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// storeCases are the table cases of store.
func storeCases(k caseAccounts) []rpcCase {
	acc, other, grp := k.acc, k.other, k.grp
	T := testNowMs
	ok := http.StatusOK
	var c caseTable
	add, addCheck := c.add, c.addCheck

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
	return c
}

// TestStoreBuilders checks the store builders; see runBuilds.
func TestStoreBuilders(t *testing.T) {
	acc, grp := builderAccounts(t)
	T := testNowMs
	runBuilds(t, []build{
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
	})
	t.Run("errors", func(t *testing.T) {
		if _, err := NewStoreParams(acc.pubkey, 2, testNow, day, nil); !errors.Is(err, ErrSignatureRequired) {
			t.Errorf("unsigned store to 2: %v", err)
		}
	})
}

// TestStoreResponse reads a store response with each kind of member result.
func TestStoreResponse(t *testing.T) {
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
}
