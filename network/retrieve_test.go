package network

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// signedRetrieve returns the params of a retrieve by a from ns, signed at
// ts, with the key/value pairs kv applied.
func signedRetrieve(a testAccount, ns Namespace, ts int64, kv ...any) p {
	q := p{"pubkey": a.pkHex, "namespace": ns, "timestamp": ts, "signature": a.sig(RetrieveSigMessage(ns, ts)), "last_hash": ""}
	if a.pubkey[0] == 0x05 {
		q["pubkey_ed25519"] = a.edHex
	}
	return with(q, kv...)
}

// retrieveCases are the table cases of retrieve.
func retrieveCases(k caseAccounts) []rpcCase {
	acc, other, grp := k.acc, k.other, k.grp
	T := testNowMs
	ok := http.StatusOK
	var c caseTable
	add, addCheck := c.add, c.addCheck

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
	return c
}

// TestRetrieveBuilders checks the retrieve builder; see runBuilds.
func TestRetrieveBuilders(t *testing.T) {
	acc, grp := builderAccounts(t)
	T := testNowMs
	runBuilds(t, []build{
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
	})
	t.Run("errors", func(t *testing.T) {
		if _, err := NewRetrieveParams(grp.sk, acc.pubkey, 0, "", testNow); !errors.Is(err, ErrKeyMismatch) {
			t.Errorf("wrong key for 05: %v", err)
		}
	})
}

// TestRetrieveResponse reads a retrieve response.
func TestRetrieveResponse(t *testing.T) {
	const body = `{"messages": [{"hash": "h", "timestamp": 1754971101000, "expiration": 1756180701000, "data": "aGk="}],
		"more": false, "t": 1754971102000, "hf": [21, 0]}`
	var r RetrieveResponse
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Messages) != 1 || r.Messages[0].Expiration != 1756180701000 || r.Messages[0].Data != "aGk=" {
		t.Errorf("got %+v", r)
	}
}
