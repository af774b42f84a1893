package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// bucket is a bbolt bucket seen through the profile key: the key a caller gives is stored
// as its keyed hash (16 bytes), and the value is sealed together with the caller's key,
// so ForEach can give both back. Every bucket of the store except meta and the ordered
// indexes of keys.go is read and written through one; a new bucket gets encryption at
// rest by being opened with Store.bucket or txn.bucket instead of tx.Bucket.
//
// What it costs: a bucket's entries are in no useful order on disk (ForEach returns them
// in the order of their hashes), and a range scan is not possible. Buckets that need
// order use the ordered keys of keys.go instead.
type bucket struct {
	b    *bolt.Bucket
	name []byte
	s    *sealer
}

// storedKeyLen is the length of a hashed key.
const storedKeyLen = 16

func (s *Store) bucket(tx *bolt.Tx, name []byte) bucket {
	return bucket{b: tx.Bucket(name), name: name, s: s.seal}
}

func (t *txn) bucket(name []byte) bucket {
	return bucket{b: t.tx.Bucket(name), name: name, s: t.seal}
}

func (b bucket) key(k []byte) []byte { return b.s.tag(storedKeyLen, b.name, k) }

// Get returns the value stored under k, or nil if there is none. The value is a fresh
// slice that outlives the transaction.
func (b bucket) Get(k []byte) ([]byte, error) {
	sk := b.key(k)
	v := b.b.Get(sk)
	if v == nil {
		return nil, nil
	}
	gotK, val, err := b.open(sk, v)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(gotK, k) {
		return nil, fmt.Errorf("%w: a record of %s is under the wrong key", ErrCorrupt, b.name)
	}
	if val == nil {
		val = []byte{}
	}
	return val, nil
}

// Has reports whether k is stored, without opening its value.
func (b bucket) Has(k []byte) bool { return b.b.Get(b.key(k)) != nil }

// Put stores v under k.
func (b bucket) Put(k, v []byte) error {
	sk := b.key(k)
	p := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(k)+len(v)), uint64(len(k)))
	p = append(append(p, k...), v...)
	return b.b.Put(sk, b.s.seal(b.name, sk, p))
}

// Delete removes k; removing a key that is not there is not an error.
func (b bucket) Delete(k []byte) error { return b.b.Delete(b.key(k)) }

// NextSequence is bbolt's per-bucket counter.
func (b bucket) NextSequence() (uint64, error) { return b.b.NextSequence() }

// ForEach calls fn with every key and value, in no particular order. fn must not change
// the bucket.
func (b bucket) ForEach(fn func(k, v []byte) error) error {
	return b.b.ForEach(func(sk, sv []byte) error {
		k, v, err := b.open(sk, sv)
		if err != nil {
			return err
		}
		return fn(k, v)
	})
}

func (b bucket) open(sk, sv []byte) (k, v []byte, err error) {
	p, err := b.s.open(b.name, sk, sv)
	if err != nil {
		return nil, nil, err
	}
	n, m := binary.Uvarint(p)
	if m <= 0 || n > uint64(len(p)-m) {
		return nil, nil, fmt.Errorf("%w: a record of %s has a bad key length", ErrCorrupt, b.name)
	}
	return p[m : m+int(n)], p[m+int(n):], nil
}
