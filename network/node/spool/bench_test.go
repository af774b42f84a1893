package spool

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"allium/network"
)

// benchData returns the i-th benchmark message body: 100 bytes, unique per i.
func benchData(rng *rand.Rand, i int) []byte {
	data := make([]byte, 100)
	for j := 8; j < len(data); j += 8 {
		binary.LittleEndian.PutUint64(data[j-8:], rng.Uint64())
	}
	binary.BigEndian.PutUint64(data, uint64(i))
	return data
}

// benchMsg returns a message with a real (so randomly placed) hash.
func benchMsg(rng *rand.Rand, pk [33]byte, i int) Message {
	data := benchData(rng, i)
	return Message{
		Pubkey:    pk,
		Hash:      network.MessageHash(pk, 0, data),
		Timestamp: t0,
		Expiry:    t0 + 14*day,
		Data:      data,
	}
}

func BenchmarkPut(b *testing.B) {
	s, _ := openTest(b)
	rng := rand.New(rand.NewPCG(1, 2))
	pk := account(1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Put(benchMsg(rng, pk, i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkRetrieve(b *testing.B) {
	for _, n := range []int{10, 10_000, 1_000_000} {
		if n > 10_000 && testing.Short() {
			continue
		}
		s, hashes := retrieveFixture(b, n)
		// The newest 50 after the client's last hash, as a steady poll sees them.
		newest := min(50, n-1)
		last := hashes[len(hashes)-1-newest]
		pk := account(1)
		cases := []struct {
			name              string
			lastHash          string
			maxCount, maxSize int
			want              int
		}{
			{"newest-50", last, 0, 0, newest},
			{"first-50", "", 50, 0, min(50, n)},
			// A fresh poll with the client's default max_size, 1/5 of 7.8 MB: each
			// 100-byte message counts 43+136+100 bytes, so about 5,590 of them.
			{"first-page-1.5MB", "", 0, 7_800_000 / 5, min(7_800_000/5/279, n)},
		}
		for _, c := range cases {
			b.Run(fmt.Sprintf("n=%d/%s", n, c.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					ms, _, err := s.Retrieve(pk, 0, c.lastHash, c.maxCount, c.maxSize)
					if err != nil {
						b.Fatal(err)
					}
					if len(ms) != c.want {
						b.Fatalf("%d messages, want %d", len(ms), c.want)
					}
				}
			})
		}
	}
}

// retrieveFixture builds a store holding n messages of one account in namespace 0, plus as
// many of other accounts around it, and returns the hashes of the account's last 51.
func retrieveFixture(b *testing.B, n int) (*Store, []string) {
	b.Helper()
	s, err := OpenWithOptions(filepath.Join(b.TempDir(), "messages.db"), Options{Now: (&clock{}).now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	// Building is not what is measured: skip fsync while filling.
	s.db.NoSync = true
	defer func() { s.db.NoSync = false }()

	rng := rand.New(rand.NewPCG(3, 4))
	pk := account(1)
	const chunk = 10_000
	var last []string
	batch := make([]Message, 0, chunk)
	for i := 0; i < n; i++ {
		// Neighbours on both sides of the account in key order.
		if i%chunk == 0 && i > 0 || i == n-1 {
			batch = append(batch, benchMsg(rng, account(0), i), benchMsg(rng, account(2), i))
		}
		m := benchMsg(rng, pk, i)
		batch = append(batch, m)
		if n-i <= 51 {
			last = append(last, m.Hash)
		}
		if len(batch) >= chunk || i == n-1 {
			if _, err := s.PutBatch(batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	return s, last
}
