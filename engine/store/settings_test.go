package store

import (
	"errors"
	"strings"
	"testing"
)

func TestSettings(t *testing.T) {
	s, dir := newStore(t)
	for _, c := range []struct {
		name   string
		bucket Bucket
		key    string
		v      []byte
		err    error
	}{
		{"settings", Settings, "readReceipts", []byte("true"), nil},
		{"node cache", NodeCache, "nodes", []byte(`[{"ip":"127.0.0.1"}]`), nil},
		{"swarm cache", SwarmCache, alice.String(), []byte("[]"), nil},
		{"account", Account, "seed", []byte{1, 2, 3}, nil},
		{"empty value", Settings, "empty", []byte{}, nil},
		{"unknown bucket", Bucket(99), "x", []byte("x"), ErrInvalid},
		{"empty key", Settings, "", []byte("x"), ErrInvalid},
		{"long key", Settings, strings.Repeat("k", 40000), []byte("x"), ErrInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := s.Put(c.bucket, c.key, c.v); !errors.Is(err, c.err) {
				t.Fatalf("Put = %v, want %v", err, c.err)
			}
			got, ok, err := s.Get(c.bucket, c.key)
			if !errors.Is(err, c.err) {
				t.Fatalf("Get = %v, want %v", err, c.err)
			}
			if c.err == nil && (!ok || string(got) != string(c.v)) {
				t.Errorf("Get = %q, %v; want %q", got, ok, c.v)
			}
		})
	}
	t.Run("buckets are separate", func(t *testing.T) {
		if _, ok, _ := s.Get(Account, "readReceipts"); ok {
			t.Error("a Settings key is visible in Account")
		}
	})
	s = reopen(t, s, dir)
	t.Run("survives reopen", func(t *testing.T) {
		if v, ok, err := s.Get(Account, "seed"); err != nil || !ok || string(v) != "\x01\x02\x03" {
			t.Errorf("Get = %q, %v, %v", v, ok, err)
		}
	})
	t.Run("delete", func(t *testing.T) {
		if err := s.Delete(Settings, "readReceipts"); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.Get(Settings, "readReceipts"); ok || err != nil {
			t.Errorf("Get after Delete = %v, %v", ok, err)
		}
	})
}

func TestPollCursors(t *testing.T) {
	s, dir := newStore(t)
	nodeA, nodeB := [32]byte{1}, [32]byte{2}
	for _, c := range []struct {
		name string
		node [32]byte
		ns   int16
		set  string
	}{
		{"node A, DMs", nodeA, 0, "hashA0"},
		{"node A, negative namespace", nodeA, -21, "hashA-21"},
		{"node B, DMs", nodeB, 0, "hashB0"},
		{"node A, config", nodeA, 2, "hashA2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got, err := s.Cursor(c.node, c.ns); err != nil || got != "" {
				t.Fatalf("Cursor before SetCursor = %q, %v", got, err)
			}
			if err := s.SetCursor(c.node, c.ns, c.set); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Cursor(c.node, c.ns); err != nil || got != c.set {
				t.Errorf("Cursor = %q, %v; want %q", got, err, c.set)
			}
		})
	}
	s = reopen(t, s, dir)
	if got, _ := s.Cursor(nodeA, -21); got != "hashA-21" {
		t.Errorf("after reopen Cursor = %q", got)
	}
	if err := s.SetCursor(nodeA, -21, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Cursor(nodeA, -21); got != "" {
		t.Errorf("after reset Cursor = %q", got)
	}
}

func TestSeenHashes(t *testing.T) {
	s, _ := newStore(t)
	if err := s.MarkHashes([]string{"h1", "h2"}, 1000); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkHashes([]string{"h3", ""}, 2000); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkHashes([]string{"h2"}, 3000); err != nil { // seen again: kept longer
		t.Fatal(err)
	}
	if err := s.MarkHashes([]string{"h9"}, -1); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative expiry: %v", err)
	}
	for _, c := range []struct {
		name   string
		now    int64
		pruned int
		seen   map[string]bool
	}{
		{"before pruning", 0, 0, map[string]bool{"h1": true, "h2": true, "h3": true, "h4": false, "": false}},
		{"first expiry", 1000, 1, map[string]bool{"h1": false, "h2": true, "h3": true}},
		{"moved expiry", 2500, 1, map[string]bool{"h2": true, "h3": false}},
		{"all", 3000, 1, map[string]bool{"h2": false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n, err := s.PruneHashes(c.now)
			if err != nil || n != c.pruned {
				t.Errorf("PruneHashes = %d, %v; want %d", n, err, c.pruned)
			}
			for h, want := range c.seen {
				if got, err := s.SeenHash(h); err != nil || got != want {
					t.Errorf("SeenHash(%q) = %v, %v; want %v", h, got, err, want)
				}
			}
		})
	}
}
