package client

import (
	"encoding/json"
	"errors"
	"testing"

	"allium/network"
)

// The client's readings of what nodes and seeds answer, each a table and a fuzz target
// seeded from it: these bytes come from the network.

const goodHash = "GGGiMN4MEgeUPQz9ysqkaQ882AQxDaT1S0dNh/dtZV0"

var retrieveReplies = []struct {
	name             string
	body             string
	messages, unread int
	last             string
	more             bool
}{
	{"empty", `{"messages":[],"more":false,"t":1}`, 0, 0, "", false},
	{"one", `{"messages":[{"hash":"` + goodHash + `","timestamp":1,"expiration":2,"data":"aGk="}],"more":true}`, 1, 0, goodHash, true},
	{"bad hash", `{"messages":[{"hash":"x","data":"aGk="}]}`, 0, 1, "", false},
	{"bad data", `{"messages":[{"hash":"` + goodHash + `","data":"!!"}]}`, 0, 1, goodHash, false},
	{"no messages key", `{"more":true}`, 0, 0, "", true},
}

func TestRetrieved(t *testing.T) {
	for _, tc := range retrieveReplies {
		t.Run(tc.name, func(t *testing.T) {
			var r network.RetrieveResponse
			if err := json.Unmarshal([]byte(tc.body), &r); err != nil {
				t.Fatal(err)
			}
			got := retrieved(r)
			if len(got.Messages) != tc.messages || got.Unreadable != tc.unread || got.Last != tc.last || got.More != tc.more {
				t.Fatalf("got %+v", got)
			}
		})
	}
}

func FuzzRetrieveReply(f *testing.F) {
	for _, tc := range retrieveReplies {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r network.RetrieveResponse
		if json.Unmarshal(body, &r) != nil {
			return
		}
		got := retrieved(r)
		if len(got.Messages)+got.Unreadable != len(r.Messages) {
			t.Fatalf("%d messages, %d unreadable, of %d", len(got.Messages), got.Unreadable, len(r.Messages))
		}
		for _, m := range got.Messages {
			if !network.ValidHash(m.Hash) {
				t.Fatalf("returned a message with hash %q", m.Hash)
			}
		}
	})
}

var storeReplies = []struct {
	name, body, hash string
}{
	{"swarm", `{"swarm":{"a":{"hash":"` + goodHash + `"},"b":{"failed":true}},"t":5}`, goodHash},
	{"all failed", `{"swarm":{"a":{"failed":true,"code":503}}}`, ""},
	{"single node", `{"hash":"` + goodHash + `"}`, goodHash},
	{"nothing", `{}`, ""},
}

func TestStoredHash(t *testing.T) {
	for _, tc := range storeReplies {
		var r network.StoreResponse
		if err := json.Unmarshal([]byte(tc.body), &r); err != nil {
			t.Fatal(err)
		}
		h, err := storedHash(r)
		if h != tc.hash || (tc.hash == "") != errors.Is(err, ErrNotStored) {
			t.Errorf("%s: got %q, %v", tc.name, h, err)
		}
	}
}

func FuzzStoreReply(f *testing.F) {
	for _, tc := range storeReplies {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r network.StoreResponse
		if json.Unmarshal(body, &r) != nil {
			return
		}
		if h, err := storedHash(r); (h == "") != (err != nil) {
			t.Fatalf("hash %q with error %v", h, err)
		}
	})
}

const seedNode = `{"public_ip":"127.0.0.1","storage_port":22021,"pubkey_ed25519":"0e2d5380e6a0a4ea0c038252c76b9995657787dadcb655d8190153f8599c7659","swarm_id":7}`

var nodeLists = []struct {
	name, body string
	nodes      int
}{
	{"one", `{"result":{"service_node_states":[` + seedNode + `]}}`, 1},
	{"unusable entries", `{"result":{"service_node_states":[` + seedNode + `,{"public_ip":"0.0.0.0","storage_port":1},{"public_ip":"1.2.3.4","storage_port":0},{"public_ip":"1.2.3.4","storage_port":5,"pubkey_ed25519":"zz"}]}}`, 1},
	{"none", `{"result":{"service_node_states":[]}}`, 0},
	{"not a list", `<html>`, 0},
}

func TestParseNodeList(t *testing.T) {
	for _, tc := range nodeLists {
		nodes, err := parseNodeList([]byte(tc.body))
		if len(nodes) != tc.nodes || (tc.nodes == 0) != (err != nil) {
			t.Errorf("%s: %d nodes, %v", tc.name, len(nodes), err)
		}
	}
}

func FuzzParseNodeList(f *testing.F) {
	for _, tc := range nodeLists {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		nodes, err := parseNodeList(body)
		if (len(nodes) == 0) != (err != nil) {
			t.Fatalf("%d nodes with error %v", len(nodes), err)
		}
		for _, n := range nodes {
			if !n.Addr.IsValid() || n.Addr.Port() == 0 || n.X25519 == ([32]byte{}) {
				t.Fatalf("an unusable node %+v", n)
			}
		}
	})
}
