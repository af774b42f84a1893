package node

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"allium/network"
)

// The node's own parsing of what peers and clients send: catch-up pages from a swarm
// peer, and batches and sequences that try to nest.

var syncReplyCases = []struct {
	name string
	in   string
	n    int // messages
	next uint64
	ok   bool
}{
	{"empty page", `{"messages":[],"next":7}`, 0, 7, true},
	{"one message", `{"messages":[{"pubkey":"05` + zeros64 + `","namespace":0,"hash":"` + zeroHash + `","timestamp":1,"expiry":2,"data":"aGk=","seq":3}],"next":3}`, 1, 3, true},
	{"cut off", `{"messages":[{"pubkey":"05`, 0, 0, false},
	{"bad pubkey", `{"messages":[{"pubkey":"zz","hash":"x"}],"next":1}`, 0, 0, false},
	{"hash of other data", `{"messages":[{"pubkey":"05` + zeros64 + `","hash":"AAAA","data":"aGk="}],"next":1}`, 0, 0, false},
	{"not JSON", `<html>`, 0, 0, false},
	{"null", `null`, 0, 0, true},
}

const zeros64 = "0000000000000000000000000000000000000000000000000000000000000000"

// zeroHash is the hash of "hi" for an all-zero 05 account in namespace 0.
var zeroHash = network.MessageHash([33]byte{0x05}, 0, []byte("hi"))

func TestParseSyncResponse(t *testing.T) {
	for _, c := range syncReplyCases {
		t.Run(c.name, func(t *testing.T) {
			msgs, next, err := parseSyncResponse([]byte(c.in))
			if (err == nil) != c.ok || len(msgs) != c.n || next != c.next {
				t.Fatalf("%d messages, next %d, err %v; want %d, %d, ok %v", len(msgs), next, err, c.n, c.next, c.ok)
			}
		})
	}
}

func FuzzParseSyncResponse(f *testing.F) {
	for _, c := range syncReplyCases {
		f.Add([]byte(c.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, _, err := parseSyncResponse(b)
		if err != nil && msgs != nil {
			t.Fatal("messages with an error")
		}
		for _, m := range msgs {
			if network.MessageHash(m.Pubkey, m.Namespace, m.Data) != m.Hash {
				t.Fatalf("accepted a message whose hash is not its data's")
			}
		}
	})
}

var nestingCases = []struct {
	name   string
	body   string
	status int
}{
	{"batch of info", `{"method":"batch","params":{"requests":[{"method":"info","params":{}}]}}`, http.StatusOK},
	{"sequence of info", `{"method":"sequence","params":{"requests":[{"method":"info"}]}}`, http.StatusOK},
	{"batch in batch", `{"method":"batch","params":{"requests":[{"method":"batch","params":{"requests":[]}}]}}`, http.StatusBadRequest},
	{"sequence in batch", `{"method":"batch","params":{"requests":[{"method":"sequence","params":{"requests":[{"method":"info"}]}}]}}`, http.StatusBadRequest},
	{"batch in sequence", `{"method":"sequence","params":{"requests":[{"method":"batch","params":{}}]}}`, http.StatusBadRequest},
	{"ifelse in batch", `{"method":"batch","params":{"requests":[{"method":"ifelse","params":{}}]}}`, http.StatusBadRequest},
	{"empty batch", `{"method":"batch","params":{"requests":[]}}`, http.StatusBadRequest},
	{"retrieves", `{"method":"batch","params":{"requests":[{"method":"retrieve","params":{"pubkey":"05` + zeros64 + `","namespace":-10,"max_size":-1}}]}}`, http.StatusOK},
}

func TestBatchNesting(t *testing.T) {
	n := soloNode(t)
	for _, c := range nestingCases {
		t.Run(c.name, func(t *testing.T) {
			status, body := n.handleRPCBody(context.Background(), []byte(c.body))
			if status != c.status {
				t.Fatalf("%d %s, want %d", status, body, c.status)
			}
		})
	}
}

// FuzzBatchNesting: whatever a batch or sequence holds, the node answers without
// panicking, every success is JSON within the reply budget, and nothing stays reserved.
func FuzzBatchNesting(f *testing.F) {
	n := soloNode(f)
	for _, c := range nestingCases {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		status, resp := n.handleRPCBody(context.Background(), body)
		if status == http.StatusOK && !json.Valid(resp) {
			t.Fatalf("200 with a body that is not JSON: %q", resp)
		}
		if len(resp) > network.RetrieveMaxSize+64<<10 {
			t.Fatalf("reply of %d bytes", len(resp))
		}
		if r := n.MemoryReserved(); r != 0 {
			t.Fatalf("%d bytes still reserved", r)
		}
	})
}
