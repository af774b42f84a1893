package network

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// getSwarmCases are the table cases of get_swarm.
func getSwarmCases(k caseAccounts) []rpcCase {
	acc := k.acc
	ok := http.StatusOK
	var c caseTable
	add, addCheck := c.add, c.addCheck

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
	return c
}

// TestGetSwarmBuilder checks the get_swarm builder; see runBuilds.
func TestGetSwarmBuilder(t *testing.T) {
	acc, _ := builderAccounts(t)
	runBuilds(t, []build{
		{"get_swarm", MethodGetSwarm, func() ([]byte, error) {
			return NewGetSwarmParams(acc.pubkey)
		}, "pubkey", func(t *testing.T, req any) {
			if req.(GetSwarmRequest).Pubkey != acc.pubkey {
				t.Error("wrong pubkey")
			}
		}},
	})
}

// TestSwarmResponse reads a get_swarm response and its swarm id.
func TestSwarmResponse(t *testing.T) {
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
}
