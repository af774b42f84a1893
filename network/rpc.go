package network

import (
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// Storage-server RPC method names (PROTOCOL §3.4–3.9), on which both the
// node and the tests dispatch.
const (
	MethodStore        = "store"
	MethodRetrieve     = "retrieve"
	MethodDelete       = "delete"
	MethodDeleteAll    = "delete_all"
	MethodDeleteBefore = "delete_before"
	MethodExpire       = "expire"
	MethodExpireAll    = "expire_all"
	MethodGetExpiries  = "get_expiries"
	MethodGetSwarm     = "get_swarm"
	// MethodGetSnodesForPubkey is the older name of get_swarm.
	MethodGetSnodesForPubkey = "get_snodes_for_pubkey"
	MethodInfo               = "info"
	// MethodBatch runs up to MaxBatchRequests subrequests, possibly in
	// parallel; MethodSequence runs them in order and stops at the first
	// failure.
	MethodBatch    = "batch"
	MethodSequence = "sequence"
	// MethodIfElse is the storage server's meta-request conditional on the
	// hard fork or version. Allium nodes do not run it; it is named so that
	// a batch refuses to hold it, as a batch may not nest.
	MethodIfElse = "ifelse"
	// MethodOxendRequest passes {"endpoint": ...} to the node's oxend (an
	// Allium node answers get_service_nodes from its registry);
	// MethodActiveNodesBin returns the node list as active_nodes_bin
	// records (ParseActiveNodesBin).
	MethodOxendRequest   = "oxend_request"
	MethodActiveNodesBin = "active_nodes_bin"
)

// RPCError is a storage-server RPC failure: the HTTP status a node answers
// with and the plain-text body it sends. The statuses and texts follow the
// Session storage server so that clients written for it react correctly
// (PROTOCOL §3.12): 400 for malformed requests, 401 for missing or bad
// signatures, 403 for a bad TTL, 406 for clock skew.
type RPCError struct {
	Status  int
	Message string
}

// Error returns the message, which is also the response body.
func (e *RPCError) Error() string { return e.Message }

// NewRPCError returns an RPCError with the given status and message.
func NewRPCError(status int, message string) *RPCError {
	return &RPCError{Status: status, Message: message}
}

// InvalidRequestError returns the storage server's answer to params that
// cannot be parsed: 400 "invalid request: <reason>".
func InvalidRequestError(reason string) *RPCError {
	return &RPCError{Status: http.StatusBadRequest, Message: "invalid request: " + reason}
}

// NoMethodError returns the storage server's answer to an unknown method:
// 400 "no method <method>".
func NoMethodError(method string) *RPCError {
	return &RPCError{Status: http.StatusBadRequest, Message: "no method " + method}
}

func invalidRequestf(format string, args ...any) *RPCError {
	return InvalidRequestError(fmt.Sprintf(format, args...))
}

// emptyParams stands in for an absent or null "params".
var emptyParams = json.RawMessage(`{}`)

// ParseRPCRequest splits the body of POST /storage_rpc/v1 (or the inner
// request of an onion request) into its method and params. The body must be
// a JSON object with a string "method" and an object "params"; an absent or
// null "params" is taken as {}, and other keys (such as "jsonrpc") are
// ignored. The method is not checked: an unknown one is the caller's
// NoMethodError. Every error is a 400.
func ParseRPCRequest(body []byte) (method string, params json.RawMessage, err *RPCError) {
	var top map[string]json.RawMessage
	// encoding/json replaces invalid UTF-8 instead of rejecting it; the
	// storage server rejects it, and so do we.
	if !utf8.Valid(body) || json.Unmarshal(body, &top) != nil || top == nil {
		return "", nil, NewRPCError(http.StatusBadRequest, "invalid json")
	}
	raw, ok := top["method"]
	if !ok || !isJSONString(raw) || json.Unmarshal(raw, &method) != nil {
		return "", nil, NewRPCError(http.StatusBadRequest, "invalid json: no `method` field")
	}
	params, ok = top["params"]
	switch {
	case !ok || isJSONNull(params):
		params = emptyParams
	case !isJSONObjectValue(params):
		return "", nil, NewRPCError(http.StatusBadRequest, "invalid json: no `params` field")
	}
	return method, params, nil
}

// NewRPCRequestBody returns the JSON body of a storage RPC request:
// {"method": method, "params": params}. A nil params is sent as {}.
func NewRPCRequestBody(method string, params json.RawMessage) ([]byte, error) {
	if params == nil {
		params = emptyParams
	}
	b, err := json.Marshal(SubRequest{Method: method, Params: params})
	if err != nil {
		return nil, fmt.Errorf("network: rpc request body: %w", err)
	}
	return b, nil
}

// Each method's file holds the JSON body of its successful response
// (PROTOCOL §3.4–3.9), written by the node and read by the client. Field
// names are the storage server's. T is the node's clock in ms and HF its
// hard fork [major, minor]; clients take T as the time to sign with.

// InfoResponse is the body of info: the node's version and its clock
// (Timestamp and T, both ms).
type InfoResponse struct {
	Version   [3]int `json:"version"`
	Timestamp int64  `json:"timestamp"`
	T         int64  `json:"t"`
	HF        [2]int `json:"hf"`
}
