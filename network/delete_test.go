package network

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// deleteCases are the table cases of delete, delete_all and delete_before.
func deleteCases(k caseAccounts) []rpcCase {
	acc, grp := k.acc, k.grp
	T := testNowMs
	hashes := []string{testHash1, testHash2}
	ok := http.StatusOK
	var c caseTable
	add, addCheck := c.add, c.addCheck

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
	return c
}

// TestDeleteBuilders checks the delete, delete_all and delete_before builders;
// see runBuilds.
func TestDeleteBuilders(t *testing.T) {
	acc, grp := builderAccounts(t)
	T := testNowMs
	hashes := []string{testHash1, testHash2}
	runBuilds(t, []build{
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
	})
	t.Run("errors", func(t *testing.T) {
		if _, err := NewDeleteParams(acc.sk, grp.pubkey, []string{testHash1}); !errors.Is(err, ErrKeyMismatch) {
			t.Errorf("wrong key for 03: %v", err)
		}
		if _, err := NewDeleteAllParams(acc.sk[:32], acc.pubkey, AllNamespaces(), testNow); !errors.Is(err, ErrKeyMismatch) {
			t.Errorf("short key: %v", err)
		}
	})
}

// TestDeleteResponse reads and writes deletion results, with hashes listed
// for one namespace or grouped by namespace.
func TestDeleteResponse(t *testing.T) {
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
}
