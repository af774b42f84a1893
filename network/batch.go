package network

import (
	"encoding/json"
	"fmt"
)

// MaxBatchRequests is the most subrequests one batch or sequence may hold.
const MaxBatchRequests = 20

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
		case MethodBatch, MethodSequence, MethodIfElse:
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

// BatchResponse is the body of a batch or sequence, sent with status 200
// whatever the subrequests' statuses. A sequence stops at the first
// subrequest that fails, so Results may be shorter than the request.
type BatchResponse struct {
	Results []BatchResult `json:"results"`
}

// BatchResult is one subrequest's status and body: the response JSON, or
// for an error its message as a JSON string (RPCError.BatchResult).
type BatchResult struct {
	Code int             `json:"code"`
	Body json.RawMessage `json:"body"`
}

// BatchResult returns e as one entry of a batch response: its status and
// its message as a JSON string.
func (e *RPCError) BatchResult() BatchResult {
	body, _ := json.Marshal(e.Message) // marshalling a string cannot fail
	return BatchResult{Code: e.Status, Body: body}
}
