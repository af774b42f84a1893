package network

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// GetSwarmRequest is a validated get_swarm (or get_snodes_for_pubkey).
type GetSwarmRequest struct {
	Pubkey [33]byte
}

// ParseGetSwarm parses the params of a get_swarm (or
// get_snodes_for_pubkey), which needs no signature. now is unused; it keeps
// the signature of every parser the same.
func ParseGetSwarm(params json.RawMessage, now time.Time) (GetSwarmRequest, *RPCError) {
	r := newParamReader(params)
	pk := r.pubkey(true)
	if r.err != nil {
		return GetSwarmRequest{}, r.err
	}
	return GetSwarmRequest{Pubkey: pk}, nil
}

// MarshalJSON returns the params of r.
func (r GetSwarmRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Pubkey string `json:"pubkey"`
	}{hex.EncodeToString(r.Pubkey[:])})
}

// NewGetSwarmParams returns the params of a get_swarm. (Session Desktop
// also sends a nested "params" that nodes ignore; it is left out.)
func NewGetSwarmParams(pubkey [33]byte) ([]byte, error) {
	return marshalParams(MethodGetSwarm, GetSwarmRequest{Pubkey: pubkey})
}

// SwarmResponse is the body of a successful get_swarm, and of a 421 (wrong
// swarm) answer to any request for the pubkey. Swarm is the swarm id in
// lower-case hex (FormatSwarmID).
type SwarmResponse struct {
	Snodes []SwarmNode `json:"snodes"`
	Swarm  string      `json:"swarm"`
	T      int64       `json:"t"`
	HF     [2]int      `json:"hf"`
}

// SwarmNode is one member of a swarm. Keys are hex; Address is the legacy
// key in base32z with ".snode" appended, and Port repeats PortHTTPS as a
// string, both for older clients. An IP of "0.0.0.0" means unknown; clients
// skip such nodes.
type SwarmNode struct {
	Address       string `json:"address"`
	PubkeyLegacy  string `json:"pubkey_legacy"`
	PubkeyX25519  string `json:"pubkey_x25519"`
	PubkeyEd25519 string `json:"pubkey_ed25519"`
	Port          string `json:"port"`
	PortHTTPS     int    `json:"port_https"`
	PortOMQ       int    `json:"port_omq"`
	PortQUIC      int    `json:"port_quic"`
	IP            string `json:"ip"`
}

// FormatSwarmID returns id as a SwarmResponse carries it: lower-case hex
// without 0x or leading zeros.
func FormatSwarmID(id uint64) string { return strconv.FormatUint(id, 16) }

// SwarmID returns the swarm id of r.
func (r SwarmResponse) SwarmID() (uint64, error) {
	id, err := strconv.ParseUint(r.Swarm, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrBadSwarmID, r.Swarm)
	}
	return id, nil
}
