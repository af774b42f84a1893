package network

import (
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// Storage-server RPC method names (PROTOCOL §3.4–3.9).
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
)

// MaxBatchRequests is the most subrequests one batch or sequence may hold.
const MaxBatchRequests = 20

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

// BatchResult returns e as one entry of a batch response: its status and
// its message as a JSON string.
func (e *RPCError) BatchResult() BatchResult {
	body, _ := json.Marshal(e.Message) // marshalling a string cannot fail
	return BatchResult{Code: e.Status, Body: body}
}

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

// SubRequest is one request inside a batch or sequence.
type SubRequest struct {
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

// ParseBatch parses the params of a batch or sequence request:
// {"requests": [{"method": ..., "params": {...}}, ...]} with 1 to
// MaxBatchRequests entries, none of them itself a batch, sequence or ifelse.
// An absent or null "params" of a subrequest is taken as {}. The methods are
// not checked otherwise: the caller answers an unknown one with
// NoMethodError in that subrequest's result. Every error is a 400.
func ParseBatch(params json.RawMessage) ([]SubRequest, *RPCError) {
	r := newParamReader(params)
	if r.err != nil {
		return nil, r.err
	}
	raw, ok := r.get("requests")
	var list []json.RawMessage
	if !ok || raw[0] != '[' || json.Unmarshal(raw, &list) != nil || len(list) == 0 {
		return nil, InvalidRequestError(`Invalid batch request: no valid "requests" field`)
	}
	if len(list) > MaxBatchRequests {
		return nil, InvalidRequestError("Invalid batch request: subrequest limit exceeded")
	}
	subs := make([]SubRequest, 0, len(list))
	for _, item := range list {
		var fields map[string]json.RawMessage
		if !isJSONObjectValue(item) || json.Unmarshal(item, &fields) != nil {
			return nil, InvalidRequestError("Invalid batch request: requests must be objects")
		}
		var sub SubRequest
		m, ok := fields["method"]
		p, hasParams := fields["params"]
		if !hasParams || isJSONNull(p) {
			p = emptyParams
		}
		if !ok || !isJSONString(m) || json.Unmarshal(m, &sub.Method) != nil || !isJSONObjectValue(p) {
			return nil, InvalidRequestError("Invalid batch request: subrequests must have method/params keys")
		}
		switch sub.Method {
		case MethodBatch, MethodSequence, "ifelse":
			return nil, InvalidRequestError("Invalid batch subrequest: subrequests may not contain meta-requests")
		}
		sub.Params = p
		subs = append(subs, sub)
	}
	return subs, nil
}

// NewBatchParams returns the params of a batch or sequence request holding
// reqs. A nil Params is sent as {}.
func NewBatchParams(reqs []SubRequest) ([]byte, error) {
	subs := make([]SubRequest, len(reqs))
	for i, r := range reqs {
		if r.Params == nil {
			r.Params = emptyParams
		}
		subs[i] = r
	}
	b, err := json.Marshal(struct {
		Requests []SubRequest `json:"requests"`
	}{subs})
	if err != nil {
		return nil, fmt.Errorf("network: batch params: %w", err)
	}
	return b, nil
}
