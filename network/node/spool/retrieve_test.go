package spool

import (
	"fmt"
	"slices"
	"testing"

	"allium/network"
)

func TestRetrieve(t *testing.T) {
	s, _ := openTest(t)
	a, b := account(1), account(2)
	// Five messages of a in namespace 0; each counts 43 + 16 (base64 of 10 bytes) + 100 =
	// 159 bytes towards max_size. Messages of another account and namespace are interleaved
	// to check that neither leaks in.
	var as []Message
	for i := range 5 {
		m := msg(a, 0, fmt.Sprintf("message-%02d", i))
		as = append(as, m)
		mustPut(t, s, m, msg(b, 0, fmt.Sprintf("message-%02d", i)), msg(a, 5, fmt.Sprintf("message-%02d", i)))
	}
	h := hashesOf(as)
	other := msg(b, 0, "message-00").Hash
	otherNS := msg(a, 5, "message-00").Hash

	tests := []struct {
		name              string
		lastHash          string
		maxCount, maxSize int
		want              []string
		wantMore          bool
	}{
		{"from the start", "", 0, 0, h, false},
		{"after a known hash", h[1], 0, 0, h[2:], false},
		{"after the newest", h[4], 0, 0, nil, false},
		{"unknown hash is from the start", network.MessageHash(a, 0, []byte("never stored")), 0, 0, h, false},
		{"malformed hash is from the start", "not-a-hash", 0, 0, h, false},
		{"other account's hash is from the start", other, 0, 0, h, false},
		{"other namespace's hash is from the start", otherNS, 0, 0, h, false},
		{"max count", "", 2, 0, h[:2], true},
		{"max count after a hash", h[2], 2, 0, h[3:], false},
		{"max count exactly all", "", 5, 0, h, false},
		{"max count over all", "", 50, 0, h, false},
		{"max size fits two", "", 0, 2 * 159, h[:2], true},
		{"max size one byte short of two", "", 0, 2*159 - 1, h[:1], true},
		{"max size too small still returns one", "", 0, 1, h[:1], true},
		{"max size too small after a hash", h[3], 0, 1, h[4:], false},
		{"max size exactly all", "", 0, 5 * 159, h, false},
		{"both limits, size binds", "", 3, 2 * 159, h[:2], true},
		{"both limits, count binds", "", 1, 2 * 159, h[:1], true},
		{"negative limits mean none", "", -1, -5, h, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, more, err := s.Retrieve(a, 0, tt.lastHash, tt.maxCount, tt.maxSize)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(hashesOf(got), tt.want) || more != tt.wantMore {
				t.Errorf("got %q more=%v, want %q more=%v", hashesOf(got), more, tt.want, tt.wantMore)
			}
		})
	}

	t.Run("fields", func(t *testing.T) {
		got, _, err := s.Retrieve(a, 0, "", 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		m, want := got[0], as[0]
		if m.Pubkey != want.Pubkey || m.Namespace != 0 || m.Hash != want.Hash ||
			m.Timestamp != want.Timestamp || m.Expiry != want.Expiry || string(m.Data) != string(want.Data) || m.Seq == 0 {
			t.Errorf("got %+v, want %+v", m, want)
		}
	})

	t.Run("data does not alias", func(t *testing.T) {
		got, _, err := s.Retrieve(a, 0, "", 2, 0)
		if err != nil {
			t.Fatal(err)
		}
		_ = append(got[0].Data, "overwrite"...)
		if string(got[1].Data) != "message-01" {
			t.Errorf("appending to one message's data changed the next: %q", got[1].Data)
		}
	})
}

func TestRetrievePaging(t *testing.T) {
	// Following last_hash and more page by page yields every message exactly once.
	s, _ := openTest(t)
	a := account(1)
	var want []string
	for i := range 23 {
		m := msg(a, 0, fmt.Sprint("m", i))
		mustPut(t, s, m)
		want = append(want, m.Hash)
	}
	var got []string
	last, pages := "", 0
	for more := true; more; pages++ {
		var ms []Message
		var err error
		ms, more, err = s.Retrieve(a, 0, last, 5, 0)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, hashesOf(ms)...)
		last = ms[len(ms)-1].Hash
	}
	if !slices.Equal(got, want) || pages != 5 {
		t.Errorf("%d pages of %q, want 5 of %q", pages, got, want)
	}
}

func TestNamespacesIsolated(t *testing.T) {
	s, _ := openTest(t)
	a := account(1)
	// The extremes and zero neighbours: the key's sign flip must keep them apart and
	// ordered.
	nss := []network.Namespace{-32768, -10, -1, 0, 1, 5, 32767}
	byNS := map[network.Namespace][]string{}
	for round := range 2 {
		for _, ns := range nss {
			// Same data everywhere: only the namespace tells the messages apart.
			m := msg(a, ns, fmt.Sprint("same data ", round))
			mustPut(t, s, m)
			byNS[ns] = append(byNS[ns], m.Hash)
		}
	}
	for _, ns := range nss {
		t.Run(fmt.Sprint("namespace ", ns), func(t *testing.T) {
			got, more, err := s.Retrieve(a, ns, "", 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(hashesOf(got), byNS[ns]) || more {
				t.Errorf("got %q more=%v, want %q", hashesOf(got), more, byNS[ns])
			}
			for _, m := range got {
				if m.Namespace != ns {
					t.Errorf("message reports namespace %d", m.Namespace)
				}
			}
		})
	}
	t.Run("storage order is by namespace, negative first", func(t *testing.T) {
		deleted, err := s.DeleteAll(a, network.AllNamespaces())
		if err != nil {
			t.Fatal(err)
		}
		var want []Affected
		for _, ns := range nss {
			for _, h := range byNS[ns] {
				want = append(want, Affected{Hash: h, Namespace: ns})
			}
		}
		if !slices.Equal(deleted, want) {
			t.Errorf("deleted %v, want %v", deleted, want)
		}
	})
}

func TestExpiredMessages(t *testing.T) {
	s, c := openTest(t)
	a := account(1)
	var ms []Message
	for i := range 4 {
		m := msg(a, 0, fmt.Sprint("m", i))
		// m0 expires at +1 s, m1 at +2 s, m2 at +4 s, m3 at +3 s.
		m.Expiry = t0 + []int64{1000, 2000, 4000, 3000}[i]
		ms = append(ms, m)
	}
	mustPut(t, s, ms...)
	h := hashesOf(ms)
	c.set(t0 + 2000) // m0 and m1 have expired: Expiry <= now.

	t.Run("Retrieve skips them", func(t *testing.T) {
		got, more, err := s.Retrieve(a, 0, "", 0, 0)
		if err != nil || !slices.Equal(hashesOf(got), h[2:]) || more {
			t.Errorf("got %q more=%v err=%v, want %q", hashesOf(got), more, err, h[2:])
		}
	})
	t.Run("an expired last hash still marks the position", func(t *testing.T) {
		got, _, err := s.Retrieve(a, 0, h[1], 0, 0)
		if err != nil || !slices.Equal(hashesOf(got), h[2:]) {
			t.Errorf("got %q err=%v, want %q", hashesOf(got), err, h[2:])
		}
	})
	t.Run("more ignores expired messages", func(t *testing.T) {
		c.set(t0 + 3000) // only m2 is left; m3 after it has expired.
		defer c.set(t0 + 2000)
		got, more, err := s.Retrieve(a, 0, "", 1, 0)
		if err != nil || !slices.Equal(hashesOf(got), h[2:3]) || more {
			t.Errorf("got %q more=%v err=%v, want %q more=false", hashesOf(got), more, err, h[2:3])
		}
	})
	t.Run("Since skips them", func(t *testing.T) {
		got, err := s.Since(0, 0, 0)
		if err != nil || !slices.Equal(hashesOf(got), h[2:]) {
			t.Errorf("got %q err=%v, want %q", hashesOf(got), err, h[2:])
		}
	})
	t.Run("Expiries skips them", func(t *testing.T) {
		got, err := s.Expiries(a, h)
		if err != nil || len(got) != 2 || got[h[2]] != ms[2].Expiry || got[h[3]] != ms[3].Expiry {
			t.Errorf("got %v err=%v", got, err)
		}
	})
	t.Run("Delete and Expire do not find them", func(t *testing.T) {
		if del, err := s.Delete(a, h[:2]); err != nil || len(del) != 0 {
			t.Errorf("Delete = %q, %v", del, err)
		}
		if up, un, err := s.Expire(a, h[:2], t0+day, network.ExpireSet); err != nil || len(up) != 0 || len(un) != 0 {
			t.Errorf("Expire = %q %v, %v", up, un, err)
		}
	})
	t.Run("Put replaces an expired copy", func(t *testing.T) {
		m := ms[0]
		m.Expiry = t0 + day
		if ok, err := s.Put(m); err != nil || !ok {
			t.Fatalf("Put = %v, %v; want true", ok, err)
		}
		got, _, _ := s.Retrieve(a, 0, "", 0, 0)
		if want := []string{h[2], h[3], h[0]}; !slices.Equal(hashesOf(got), want) {
			t.Errorf("got %q, want %q (the new copy last)", hashesOf(got), want)
		}
	})
	t.Run("PruneExpired removes them", func(t *testing.T) {
		n, err := s.PruneExpired(t0 + 2000)
		if err != nil || n != 1 { // m1; m0 was replaced by the new copy
			t.Errorf("PruneExpired = %d, %v; want 1", n, err)
		}
		if n, err := s.Count(); err != nil || n != 3 {
			t.Errorf("Count = %d, %v; want 3", n, err)
		}
		if n, err := s.PruneExpired(t0 + 2000); err != nil || n != 0 {
			t.Errorf("second PruneExpired = %d, %v; want 0", n, err)
		}
	})
}

func TestPruneInBatches(t *testing.T) {
	s, _ := openTest(t)
	a := account(1)
	const expired, live = 2*pruneBatch + 17, 5
	var ms []Message
	for i := range expired + live {
		m := msg(a, network.Namespace(i%3), fmt.Sprint("m", i))
		if i < expired {
			m.Expiry = t0 + 1 + int64(i%7)
		}
		ms = append(ms, m)
	}
	if n, err := s.PutBatch(ms); err != nil || n != len(ms) {
		t.Fatalf("PutBatch = %d, %v", n, err)
	}
	n, err := s.PruneExpired(t0 + 10)
	if err != nil || n != expired {
		t.Fatalf("PruneExpired = %d, %v; want %d", n, err, expired)
	}
	if n, err := s.Count(); err != nil || n != live {
		t.Fatalf("Count = %d, %v; want %d", n, err, live)
	}
}

func TestSince(t *testing.T) {
	s, c := openTest(t)
	var all []Message
	for i := range 25 {
		m := msg(account(byte(i%3)), network.Namespace(i%2), fmt.Sprint("m", i))
		if i == 7 || i == 8 {
			m.Expiry = t0 + 1
		}
		all = append(all, m)
	}
	mustPut(t, s, all...)
	c.set(t0 + 1)
	var want []string
	for i, m := range all {
		if i != 7 && i != 8 {
			want = append(want, m.Hash)
		}
	}

	tests := []struct {
		name    string
		limit   int
		maxSize int   // each message counts 43 + 4 + 100 bytes
		pages   []int // sizes of the pages until the empty one
	}{
		{"pages of 10", 10, 0, []int{10, 10, 3}},
		{"pages of 1", 1, 0, slices.Repeat([]int{1}, 23)},
		{"pages of 23", 23, 0, []int{23}},
		{"no limit", 0, 0, []int{23}},
		{"pages of 300 bytes", 0, 300, append(slices.Repeat([]int{2}, 11), 1)},
		{"bytes before count", 10, 600, append(slices.Repeat([]int{4}, 5), 3)},
		{"one message over the size", 0, 1, slices.Repeat([]int{1}, 23)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			var sizes []int
			after := uint64(0)
			for {
				ms, err := s.Since(after, tt.limit, tt.maxSize)
				if err != nil {
					t.Fatal(err)
				}
				if len(ms) == 0 {
					break
				}
				sizes = append(sizes, len(ms))
				for _, m := range ms {
					if m.Seq <= after {
						t.Fatalf("Seq %d after %d", m.Seq, after)
					}
					after = m.Seq
				}
				got = append(got, hashesOf(ms)...)
			}
			if !slices.Equal(got, want) || !slices.Equal(sizes, tt.pages) {
				t.Errorf("pages %v of %q, want %v of %q", sizes, got, tt.pages, want)
			}
		})
	}
	t.Run("after the last", func(t *testing.T) {
		if ms, err := s.Since(^uint64(0), 10, 0); err != nil || len(ms) != 0 {
			t.Errorf("Since(max) = %d messages, %v", len(ms), err)
		}
	})
}
