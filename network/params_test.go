package network

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestParamsNotObject checks that params which are not a JSON object are a
// 400, and that absent params are read as {}.
func TestParamsNotObject(t *testing.T) {
	for _, params := range []string{`[]`, `"x"`, `5`, `{`} {
		if _, err := ParseStore(json.RawMessage(params), testNow); err == nil || err.Status != 400 {
			t.Errorf("ParseStore(%s) = %v", params, err)
		}
		if _, err := ParseBatch(json.RawMessage(params)); err == nil || err.Status != 400 {
			t.Errorf("ParseBatch(%s) = %v", params, err)
		}
	}
	// Absent params are an empty object: the pubkey is what is missing.
	if _, err := ParseGetSwarm(nil, testNow); err == nil || !strings.Contains(err.Message, "'pubkey' missing") {
		t.Errorf("ParseGetSwarm(nil) = %v", err)
	}
}
