package node_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"allium/network"
)

// verifyNodeSig checks that every member's result in a swarm map is signed by that member.
func verifyNodeSig(t *testing.T, n *tnet, swarm map[string]json.RawMessage, msg func(r map[string]any) []byte) {
	t.Helper()
	for edHex, raw := range swarm {
		var r map[string]any
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("%s: %s", edHex, raw)
		}
		if r["failed"] == true {
			t.Fatalf("member %s failed: %s", edHex, raw)
		}
		sig, err := base64.StdEncoding.DecodeString(r["signature"].(string))
		if err != nil {
			t.Fatal(err)
		}
		key, _ := parseHexKey(edHex)
		if !ed25519.Verify(key[:], msg(r), sig) {
			t.Errorf("member %s: bad signature on %s", edHex, raw)
		}
	}
}

func parseHexKey(s string) ([32]byte, bool) {
	var k [32]byte
	b, err := base16(s)
	if err != nil || len(b) != 32 {
		return k, false
	}
	copy(k[:], b)
	return k, true
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestStoreRetrieveAndReplication(t *testing.T) {
	n := startNet(t, 6, 3, nil)
	a := newAccount(t)
	in, out := n.swarm(a.pk)
	if len(in) != 3 || len(out) != 3 {
		t.Fatalf("swarm %v, others %v", in, out)
	}

	status, body := n.rpc(t, in[0], "store", a.storeParams(t, "first message", time.Hour))
	if status != http.StatusOK {
		t.Fatalf("store: %d %s", status, body)
	}
	sr := decode[struct {
		Swarm map[string]json.RawMessage `json:"swarm"`
		Hash  string                     `json:"hash"`
		T     int64                      `json:"t"`
	}](t, body)
	if want := network.MessageHash(a.pk, 0, []byte("first message")); sr.Hash != want {
		t.Fatalf("hash %s, want %s", sr.Hash, want)
	}
	if len(sr.Swarm) != 3 || sr.T == 0 {
		t.Fatalf("store response %s", body)
	}
	verifyNodeSig(t, n, sr.Swarm, func(r map[string]any) []byte { return network.StoreResponseSigMessage(r["hash"].(string)) })

	// Every member has it: retrieve from each.
	for _, i := range in {
		status, body := n.rpc(t, i, "retrieve", a.retrieveParams(t, ""))
		rr := decode[network.RetrieveResponse](t, body)
		if status != http.StatusOK || len(rr.Messages) != 1 || rr.Messages[0].Hash != sr.Hash || rr.Messages[0].Expiration == 0 {
			t.Fatalf("node %d retrieve: %d %s", i, status, body)
		}
		if d, _ := base64.StdEncoding.DecodeString(rr.Messages[0].Data); string(d) != "first message" {
			t.Fatalf("data %q", d)
		}
	}

	// A second store of the same bytes is "already" on every member.
	_, body = n.rpc(t, in[1], "store", a.storeParams(t, "first message", time.Hour))
	again := decode[network.StoreResponse](t, body)
	for k, r := range again.Swarm {
		if !r.Already {
			t.Errorf("member %s did not answer already: %s", k, body)
		}
	}

	// last_hash pages on.
	_, body = n.rpc(t, in[0], "store", a.storeParams(t, "second", time.Hour))
	second := decode[network.StoreResponse](t, body).Hash
	_, body = n.rpc(t, in[2], "retrieve", a.retrieveParams(t, sr.Hash))
	if rr := decode[network.RetrieveResponse](t, body); len(rr.Messages) != 1 || rr.Messages[0].Hash != second {
		t.Fatalf("retrieve after last_hash: %s", body)
	}

	// A node of another swarm answers 421 with the right swarm.
	status, body = n.rpc(t, out[0], "store", a.storeParams(t, "misdirected", time.Hour))
	if status != http.StatusMisdirectedRequest {
		t.Fatalf("wrong swarm store: %d %s", status, body)
	}
	sw := decode[network.SwarmResponse](t, body)
	if len(sw.Snodes) != 3 {
		t.Fatalf("421 body %s", body)
	}
	for _, s := range sw.Snodes {
		found := false
		for _, i := range in {
			found = found || s.PubkeyEd25519 == hexOf(n.reg.Peers[i].Ed25519)
		}
		if !found {
			t.Errorf("421 names %s, not a member", s.PubkeyEd25519)
		}
	}
	if status, _ := n.rpc(t, out[1], "retrieve", a.retrieveParams(t, "")); status != http.StatusMisdirectedRequest {
		t.Errorf("wrong swarm retrieve: %d", status)
	}

	// get_swarm is answered by any node.
	p, _ := json.Marshal(map[string]string{"pubkey": a.id.SessionID().String()})
	for _, m := range []string{"get_swarm", "get_snodes_for_pubkey"} {
		status, body = n.rpc(t, out[2], m, p)
		if status != http.StatusOK || len(decode[network.SwarmResponse](t, body).Snodes) != 3 {
			t.Errorf("%s: %d %s", m, status, body)
		}
	}
}

// TestRPCStatusCodes covers the error answers of PROTOCOL §3.12 that a client can cause.
func TestRPCStatusCodes(t *testing.T) {
	n := startNet(t, 3, 3, nil)
	a := newAccount(t)
	other := newAccount(t)
	sk := a.id.Ed25519PrivateKey()
	now := time.Now()

	retrieveAt := func(ts time.Time) []byte {
		p, err := network.NewRetrieveParams(sk, a.pk, 0, "", ts)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	storeWith := func(mod func(map[string]any)) []byte {
		m := map[string]any{"pubkey": a.id.SessionID().String(), "timestamp": now.UnixMilli(), "ttl": 3600000, "data": base64.StdEncoding.EncodeToString([]byte("x"))}
		mod(m)
		b, _ := json.Marshal(m)
		return b
	}
	badSig := func() []byte {
		p, _ := network.NewRetrieveParams(other.id.Ed25519PrivateKey(), other.pk, 0, "", now)
		var m map[string]any
		json.Unmarshal(p, &m)
		m["pubkey"] = a.id.SessionID().String()
		b, _ := json.Marshal(m)
		return b
	}

	cases := []struct {
		name   string
		body   string
		status int
		says   string
	}{
		{"malformed JSON", `{"method":`, 400, ""},
		{"not an object", `[1,2]`, 400, ""},
		{"unknown method", `{"method":"steal","params":{}}`, 400, "no method steal"},
		{"bad pubkey", `{"method":"retrieve","params":{"pubkey":"05zz"}}`, 400, "Pubkey"},
		{"retrieve unsigned", `{"method":"retrieve","params":{"pubkey":"` + a.id.SessionID().String() + `"}}`, 401, "signature"},
		{"retrieve signed by someone else", `{"method":"retrieve","params":` + string(badSig()) + `}`, 401, ""},
		{"clock ahead", `{"method":"retrieve","params":` + string(retrieveAt(now.Add(2*time.Minute))) + `}`, 406, ""},
		{"clock behind", `{"method":"retrieve","params":` + string(retrieveAt(now.Add(-2*time.Minute))) + `}`, 406, ""},
		{"ttl too long", `{"method":"store","params":` + string(storeWith(func(m map[string]any) { m["ttl"] = 15 * 24 * 3600 * 1000 })) + `}`, 403, "TTL"},
		{"ttl too short", `{"method":"store","params":` + string(storeWith(func(m map[string]any) { m["ttl"] = 1000 })) + `}`, 403, "TTL"},
		{"store from the future", `{"method":"store","params":` + string(storeWith(func(m map[string]any) { m["timestamp"] = now.Add(time.Minute).UnixMilli() })) + `}`, 406, ""},
		{"oversize data", `{"method":"store","params":` + string(storeWith(func(m map[string]any) {
			m["data"] = base64.StdEncoding.EncodeToString(make([]byte, 76801))
		})) + `}`, 400, ""},
		{"seconds not ms", `{"method":"store","params":` + string(storeWith(func(m map[string]any) { m["timestamp"] = now.Unix() })) + `}`, 400, ""},
		{"nested batch", `{"method":"batch","params":{"requests":[{"method":"batch","params":{"requests":[]}}]}}`, 400, ""},
		{"empty batch", `{"method":"batch","params":{"requests":[]}}`, 400, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := n.post(t, 0, "/storage_rpc/v1", []byte(c.body))
			if status != c.status || !strings.Contains(string(body), c.says) {
				t.Fatalf("%d %q, want %d containing %q", status, body, c.status, c.says)
			}
		})
	}

	t.Run("delete required finds nothing", func(t *testing.T) {
		p, _ := network.NewDeleteParams(sk, a.pk, []string{network.MessageHash(a.pk, 0, []byte("never stored"))})
		var m map[string]any
		json.Unmarshal(p, &m)
		m["required"] = true
		b, _ := json.Marshal(m)
		if status, body := n.rpc(t, 0, "delete", b); status != http.StatusNotFound {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("long poll", func(t *testing.T) {
		req, _ := http.NewRequest("POST", n.url(0, "/storage_rpc/v1"), strings.NewReader(`{"method":"info"}`))
		req.Header.Set("X-Loki-Long-Poll", "true")
		resp, err := n.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusGone {
			t.Fatalf("%d", resp.StatusCode)
		}
	})
	t.Run("body too large", func(t *testing.T) {
		// The limit admits an onion request v4 carrying the largest file (maxBody).
		if status, _ := n.post(t, 0, "/storage_rpc/v1", make([]byte, network.MaxFileSize+65<<10)); status != http.StatusRequestEntityTooLarge {
			t.Fatalf("%d", status)
		}
	})
	t.Run("node call without signature", func(t *testing.T) {
		if status, _ := n.post(t, 0, "/allium/v1/replicate", []byte(`{"method":"store","params":{}}`)); status != http.StatusForbidden {
			t.Fatalf("%d", status)
		}
		if status, _ := n.post(t, 0, "/allium/v1/sync", []byte(`{"after":0,"limit":10}`)); status != http.StatusForbidden {
			t.Fatalf("%d", status)
		}
	})
}

func TestDeleteExpireAndBatch(t *testing.T) {
	n := startNet(t, 3, 3, nil)
	a := newAccount(t)
	sk := a.id.Ed25519PrivateKey()
	pkHex := a.id.SessionID().String()
	var hashes []string
	for _, d := range []string{"one", "two", "three", "four"} {
		_, body := n.rpc(t, 0, "store", a.storeParams(t, d, time.Hour))
		hashes = append(hashes, decode[network.StoreResponse](t, body).Hash)
	}

	// info + two retrieves in a batch; a sequence stops at the first failure.
	batch, _ := network.NewBatchParams([]network.SubRequest{
		{Method: "info", Params: json.RawMessage(`{}`)},
		{Method: "retrieve", Params: a.retrieveParams(t, "")},
		{Method: "retrieve", Params: json.RawMessage(`{"pubkey":"` + pkHex + `"}`)},
	})
	status, body := n.rpc(t, 1, "batch", batch)
	br := decode[network.BatchResponse](t, body)
	if status != 200 || len(br.Results) != 3 || br.Results[0].Code != 200 || br.Results[1].Code != 200 || br.Results[2].Code != 401 {
		t.Fatalf("batch: %d %s", status, body)
	}
	seq, _ := network.NewBatchParams([]network.SubRequest{
		{Method: "retrieve", Params: json.RawMessage(`{"pubkey":"` + pkHex + `"}`)},
		{Method: "info", Params: json.RawMessage(`{}`)},
	})
	_, body = n.rpc(t, 1, "sequence", seq)
	if sr := decode[network.BatchResponse](t, body); len(sr.Results) != 1 {
		t.Fatalf("sequence went on after a failure: %s", body)
	}

	// expire shortens one message, signed by every member.
	exp := time.Now().Add(30 * time.Minute)
	p, _ := network.NewExpireParams(sk, a.pk, hashes[:1], exp, network.ExpireShorten)
	status, body = n.rpc(t, 2, "expire", p)
	if status != 200 {
		t.Fatalf("expire: %d %s", status, body)
	}
	er := decode[struct {
		Swarm map[string]json.RawMessage `json:"swarm"`
	}](t, body)
	verifyNodeSig(t, n, er.Swarm, func(r map[string]any) []byte {
		unchanged := map[string]int64{}
		for k, v := range r["unchanged"].(map[string]any) {
			unchanged[k] = int64(v.(float64))
		}
		return network.ExpireResponseSigMessage(pkHex, int64(r["expiry"].(float64)), hashes[:1], strs(r["updated"]), unchanged)
	})
	gp, _ := json.Marshal(map[string]any{"pubkey": pkHex})
	_ = gp

	// delete one, then delete_all the rest: every member deletes and signs.
	p, _ = network.NewDeleteParams(sk, a.pk, hashes[1:2])
	status, body = n.rpc(t, 0, "delete", p)
	dr := decode[struct {
		Swarm map[string]json.RawMessage `json:"swarm"`
	}](t, body)
	if status != 200 || len(dr.Swarm) != 3 {
		t.Fatalf("delete: %d %s", status, body)
	}
	verifyNodeSig(t, n, dr.Swarm, func(r map[string]any) []byte {
		return network.DeleteResponseSigMessage(pkHex, hashes[1:2], strs(r["deleted"]))
	})
	for i := 0; i < 3; i++ {
		_, body := n.rpc(t, i, "retrieve", a.retrieveParams(t, ""))
		if rr := decode[network.RetrieveResponse](t, body); len(rr.Messages) != 3 {
			t.Fatalf("node %d after delete: %s", i, body)
		}
	}
	now := time.Now()
	p, _ = network.NewDeleteAllParams(sk, a.pk, network.AllNamespaces(), now)
	status, body = n.rpc(t, 1, "delete_all", p)
	if status != 200 {
		t.Fatalf("delete_all: %d %s", status, body)
	}
	da := decode[struct {
		Swarm map[string]json.RawMessage `json:"swarm"`
	}](t, body)
	verifyNodeSig(t, n, da.Swarm, func(r map[string]any) []byte {
		// For all namespaces the storage server answers sorted lists by namespace.
		raw, _ := json.Marshal(r["deleted"])
		var deleted network.AffectedHashes
		if err := json.Unmarshal(raw, &deleted); err != nil || deleted.ByNamespace == nil {
			t.Errorf("delete_all of all namespaces answered %s", raw)
		}
		if got := deleted.ByNamespace[network.DefaultNamespace]; len(got) != 3 || !slices.IsSorted(got) {
			t.Errorf("deleted from namespace 0: %q", got)
		}
		return network.DeleteAllResponseSigMessage(pkHex, now.UnixMilli(), deleted.Sorted())
	})
	for i := 0; i < 3; i++ {
		_, body := n.rpc(t, i, "retrieve", a.retrieveParams(t, ""))
		if rr := decode[network.RetrieveResponse](t, body); len(rr.Messages) != 0 {
			t.Fatalf("node %d after delete_all: %s", i, body)
		}
	}
}

func TestSeedCall(t *testing.T) {
	n := startNet(t, 4, 2, nil)
	status, body := n.post(t, 3, "/json_rpc", []byte(`{"jsonrpc":"2.0","id":1,"method":"get_n_service_nodes","params":{"active_only":true,"fields":{"public_ip":true,"storage_port":true,"pubkey_x25519":true,"pubkey_ed25519":true}}}`))
	r := decode[struct {
		Result struct {
			States []struct {
				IP      string `json:"public_ip"`
				Port    int    `json:"storage_port"`
				Ed25519 string `json:"pubkey_ed25519"`
				X25519  string `json:"pubkey_x25519"`
				Swarm   uint64 `json:"swarm_id"`
			} `json:"service_node_states"`
		} `json:"result"`
	}](t, body)
	if status != 200 || len(r.Result.States) != 4 {
		t.Fatalf("%d %s", status, body)
	}
	for i, s := range r.Result.States {
		p := n.reg.Peers[i]
		if s.IP != "127.0.0.1" || s.Port != int(p.Addr.Port()) || s.Ed25519 != hexOf(p.Ed25519) || s.X25519 != hexOf(p.X25519) || s.Swarm != p.SwarmID {
			t.Errorf("entry %d: %+v", i, s)
		}
	}
}
