package network

import (
	"encoding/json"
	"net/http"
	"testing"
)

// batchCases are the table cases of batch and sequence.
func batchCases(k caseAccounts) []rpcCase {
	acc := k.acc
	T := testNowMs
	ok := http.StatusOK
	rt := signedRetrieve(acc, 0, T)
	var c caseTable
	add, addCheck := c.add, c.addCheck

	sub := p{"method": "retrieve", "params": rt}
	many := func(n int) p {
		reqs := make([]any, n)
		for i := range reqs {
			reqs[i] = sub
		}
		return p{"requests": reqs}
	}
	addCheck("batch/ok one", body("batch", many(1)), func(t *testing.T, req any) {
		subs := req.([]SubRequest)
		if len(subs) != 1 || subs[0].Method != "retrieve" {
			t.Fatalf("got %+v", subs)
		}
		if _, err := ParseRetrieve(subs[0].Params, testNow); err != nil {
			t.Error(err)
		}
	})
	add("batch/ok twenty", body("batch", many(MaxBatchRequests)), ok, "")
	add("batch/ok sequence", body("sequence", many(2)), ok, "")
	addCheck("batch/ok params absent", body("batch", p{"requests": []any{p{"method": "info"}}}), func(t *testing.T, req any) {
		if s := req.([]SubRequest)[0]; string(s.Params) != "{}" {
			t.Errorf("params %s", s.Params)
		}
	})
	add("batch/ok unknown method left to caller", body("batch", p{"requests": []any{p{"method": "frobnicate", "params": p{}}}}), ok, "")
	add("batch/empty", body("batch", many(0)), 400, `Invalid batch request: no valid "requests" field`)
	add("batch/too many", body("batch", many(MaxBatchRequests+1)), 400, "Invalid batch request: subrequest limit exceeded")
	add("batch/requests missing", body("batch", p{}), 400, `no valid "requests" field`)
	add("batch/requests object", body("batch", p{"requests": sub}), 400, `no valid "requests" field`)
	add("batch/nested batch", body("batch", p{"requests": []any{p{"method": "batch", "params": many(1)}}}), 400, "subrequests may not contain meta-requests")
	add("batch/nested sequence", body("sequence", p{"requests": []any{sub, p{"method": "sequence", "params": many(1)}}}), 400, "subrequests may not contain meta-requests")
	add("batch/nested ifelse", body("batch", p{"requests": []any{p{"method": "ifelse", "params": p{}}}}), 400, "subrequests may not contain meta-requests")
	add("batch/subrequest not object", body("batch", p{"requests": []any{"retrieve"}}), 400, "requests must be objects")
	add("batch/subrequest without method", body("batch", p{"requests": []any{p{"params": rt}}}), 400, "subrequests must have method/params keys")
	add("batch/subrequest params array", body("batch", p{"requests": []any{p{"method": "retrieve", "params": []int{}}}}), 400, "subrequests must have method/params keys")
	return c
}

// TestBatchBuilder checks that a batch of retrieves and an info parses back.
func TestBatchBuilder(t *testing.T) {
	acc, _ := builderAccounts(t)
	r1, _ := NewRetrieveParams(acc.sk, acc.pubkey, 0, "", testNow)
	r2, _ := NewRetrieveParams(acc.sk, acc.pubkey, 2, "", testNow)
	params, err := NewBatchParams([]SubRequest{{MethodRetrieve, r1}, {MethodRetrieve, r2}, {Method: MethodInfo}})
	if err != nil {
		t.Fatal(err)
	}
	subs, rerr := ParseBatch(params)
	if rerr != nil || len(subs) != 3 {
		t.Fatalf("%d subrequests, %v", len(subs), rerr)
	}
	for _, s := range subs[:2] {
		if _, rerr := ParseRetrieve(s.Params, testNow); rerr != nil {
			t.Error(rerr)
		}
	}
}

// TestBatchResponse writes a batch response with a success and an error.
func TestBatchResponse(t *testing.T) {
	res := BatchResponse{Results: []BatchResult{
		{Code: 200, Body: json.RawMessage(`{"t":1}`)},
		NewRPCError(401, "retrieve: request signature required").BatchResult(),
	}}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"results":[{"code":200,"body":{"t":1}},{"code":401,"body":"retrieve: request signature required"}]}`
	if string(out) != want {
		t.Errorf("got %s", out)
	}
}
