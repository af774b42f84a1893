package network

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"
)

// expireCases are the table cases of expire, expire_all and get_expiries.
func expireCases(k caseAccounts) []rpcCase {
	acc := k.acc
	T := testNowMs
	hashes := []string{testHash1, testHash2}
	ok := http.StatusOK
	var c caseTable
	add, addCheck := c.add, c.addCheck

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
	return c
}

// TestExpireBuilders checks the expire, expire_all and get_expiries builders;
// see runBuilds.
func TestExpireBuilders(t *testing.T) {
	acc, _ := builderAccounts(t)
	T := testNowMs
	hashes := []string{testHash1, testHash2}
	runBuilds(t, []build{
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
	})
}

// TestExpireResponse reads and writes an expire result.
func TestExpireResponse(t *testing.T) {
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
}
