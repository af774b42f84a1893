package spool

import (
	"fmt"
	"slices"
	"testing"

	"allium/network"
)

// deleteFixture stores, in this order, a's messages a0 (ns 0, timestamp t0+0), a1 (ns 2,
// t0+1), a2 (ns 0, t0+2), a3 (ns -5, t0+3) and b's b0 (ns 0, t0+0).
func deleteFixture(t *testing.T) (s *Store, a, b [33]byte, h map[string]string) {
	s, _ = openTest(t)
	a, b = account(1), account(2)
	h = map[string]string{}
	for i, ns := range []network.Namespace{0, 2, 0, -5} {
		m := msg(a, ns, fmt.Sprint("a", i))
		m.Timestamp = t0 + int64(i)
		mustPut(t, s, m)
		h[fmt.Sprint("a", i)] = m.Hash
	}
	m := msg(b, 0, "b0")
	mustPut(t, s, m)
	h["b0"] = m.Hash
	return s, a, b, h
}

// remaining returns the names of the fixture's messages still stored, in fixture order.
func remaining(t *testing.T, s *Store, h map[string]string) []string {
	t.Helper()
	var out []string
	for _, name := range []string{"a0", "a1", "a2", "a3", "b0"} {
		pk := account(1)
		if name == "b0" {
			pk = account(2)
		}
		got, err := s.Expiries(pk, []string{h[name]})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 1 {
			out = append(out, name)
		}
	}
	return out
}

func names(h map[string]string, hashes []string) []string {
	out := make([]string, 0, len(hashes))
	for _, x := range hashes {
		name := "?"
		for n, y := range h {
			if x == y {
				name = n
			}
		}
		out = append(out, name)
	}
	return out
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name        string
		by          string   // "a" or "b"
		req         []string // fixture names, or anything else as a literal hash
		wantDeleted []string
		wantLeft    []string
	}{
		{"one", "a", []string{"a1"}, []string{"a1"}, []string{"a0", "a2", "a3", "b0"}},
		{"request order, any namespace", "a", []string{"a3", "a0", "a1"}, []string{"a3", "a0", "a1"}, []string{"a2", "b0"}},
		{"other account's message is kept", "a", []string{"b0", "a2"}, []string{"a2"}, []string{"a0", "a1", "a3", "b0"}},
		{"owner deletes its own", "b", []string{"a0", "b0"}, []string{"b0"}, []string{"a0", "a1", "a2", "a3"}},
		{"unknown and malformed hashes", "a", []string{network.MessageHash(account(1), 0, nil), "short", ""}, nil,
			[]string{"a0", "a1", "a2", "a3", "b0"}},
		{"repeated hash once", "a", []string{"a2", "a2"}, []string{"a2"}, []string{"a0", "a1", "a3", "b0"}},
		{"empty request", "a", nil, nil, []string{"a0", "a1", "a2", "a3", "b0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, a, b, h := deleteFixture(t)
			pk := a
			if tt.by == "b" {
				pk = b
			}
			req := make([]string, len(tt.req))
			for i, n := range tt.req {
				req[i] = n
				if x, ok := h[n]; ok {
					req[i] = x
				}
			}
			got, err := s.Delete(pk, req)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names(h, got), tt.wantDeleted) {
				t.Errorf("deleted %v, want %v", names(h, got), tt.wantDeleted)
			}
			if left := remaining(t, s, h); !slices.Equal(left, tt.wantLeft) {
				t.Errorf("left %v, want %v", left, tt.wantLeft)
			}
		})
	}
}

func TestDeleteAll(t *testing.T) {
	tests := []struct {
		name        string
		ns          network.NamespaceOrAll
		wantDeleted []string
		wantLeft    []string
	}{
		{"default namespace", network.OneNamespace(0), []string{"a0", "a2"}, []string{"a1", "a3", "b0"}},
		{"namespace 2", network.OneNamespace(2), []string{"a1"}, []string{"a0", "a2", "a3", "b0"}},
		{"negative namespace", network.OneNamespace(-5), []string{"a3"}, []string{"a0", "a1", "a2", "b0"}},
		{"empty namespace", network.OneNamespace(7), nil, []string{"a0", "a1", "a2", "a3", "b0"}},
		// Storage order: by namespace (-5, 0, 2), then insertion.
		{"all namespaces", network.AllNamespaces(), []string{"a3", "a0", "a2", "a1"}, []string{"b0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, a, _, h := deleteFixture(t)
			affected, err := s.DeleteAll(a, tt.ns)
			if err != nil {
				t.Fatal(err)
			}
			got := Hashes(affected)
			if !slices.Equal(names(h, got), tt.wantDeleted) {
				t.Errorf("deleted %v, want %v", names(h, got), tt.wantDeleted)
			}
			if left := remaining(t, s, h); !slices.Equal(left, tt.wantLeft) {
				t.Errorf("left %v, want %v", left, tt.wantLeft)
			}
		})
	}
}

func TestDeleteBefore(t *testing.T) {
	tests := []struct {
		name        string
		ns          network.NamespaceOrAll
		before      int64
		wantDeleted []string
		wantLeft    []string
	}{
		{"nothing is older", network.AllNamespaces(), t0, nil, []string{"a0", "a1", "a2", "a3", "b0"}},
		{"strictly before", network.AllNamespaces(), t0 + 2, []string{"a0", "a1"}, []string{"a2", "a3", "b0"}},
		{"all namespaces, all older", network.AllNamespaces(), t0 + 100, []string{"a3", "a0", "a2", "a1"}, []string{"b0"}},
		{"one namespace", network.OneNamespace(0), t0 + 3, []string{"a0", "a2"}, []string{"a1", "a3", "b0"}},
		{"one namespace, partly", network.OneNamespace(0), t0 + 1, []string{"a0"}, []string{"a1", "a2", "a3", "b0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, a, _, h := deleteFixture(t)
			affected, err := s.DeleteBefore(a, tt.ns, tt.before)
			if err != nil {
				t.Fatal(err)
			}
			got := Hashes(affected)
			if !slices.Equal(names(h, got), tt.wantDeleted) {
				t.Errorf("deleted %v, want %v", names(h, got), tt.wantDeleted)
			}
			if left := remaining(t, s, h); !slices.Equal(left, tt.wantLeft) {
				t.Errorf("left %v, want %v", left, tt.wantLeft)
			}
		})
	}
}
