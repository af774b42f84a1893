package network

import (
	"encoding/hex"
	"encoding/json"
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
