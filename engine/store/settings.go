package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Bucket names a bucket of opaque values that the engine encodes itself (JSON, say) and
// the store keeps by key.
type Bucket uint8

const (
	Settings   Bucket = iota + 1 // the person's preferences
	NodeCache                    // the service-node list, to start without the seeds
	SwarmCache                   // swarm members per account
	Account                      // the account's own records
)

func (b Bucket) name() ([]byte, error) {
	switch b {
	case Settings:
		return bucketSettings, nil
	case NodeCache:
		return bucketNodeCache, nil
	case SwarmCache:
		return bucketSwarmCache, nil
	case Account:
		return bucketAccount, nil
	}
	return nil, fmt.Errorf("%w: bucket %d", ErrInvalid, uint8(b))
}

func checkKey(key string) error {
	if key == "" || len(key) > bolt.MaxKeySize {
		return fmt.Errorf("%w: key of %d bytes", ErrInvalid, len(key))
	}
	return nil
}

// Get returns a copy of the value stored under key in bucket.
func (s *Store) Get(bucket Bucket, key string) ([]byte, bool, error) {
	name, err := bucket.name()
	if err != nil {
		return nil, false, err
	}
	if err := checkKey(key); err != nil {
		return nil, false, err
	}
	var v []byte
	err = s.view("read "+string(name), func(tx *bolt.Tx) error {
		v, err = s.bucket(tx, name).Get([]byte(key))
		return err
	})
	return v, v != nil, err
}

// Put stores v under key in bucket, replacing any value there.
func (s *Store) Put(bucket Bucket, key string, v []byte) error {
	name, err := bucket.name()
	if err != nil {
		return err
	}
	if err := checkKey(key); err != nil {
		return err
	}
	if v == nil {
		v = []byte{} // a stored empty value, not a deletion
	}
	return s.update("write "+string(name), func(t *txn) error {
		return t.bucket(name).Put([]byte(key), v)
	})
}

// Delete removes key from bucket. Removing a missing key is not an error.
func (s *Store) Delete(bucket Bucket, key string) error {
	name, err := bucket.name()
	if err != nil {
		return err
	}
	if err := checkKey(key); err != nil {
		return err
	}
	return s.update("delete from "+string(name), func(t *txn) error {
		return t.bucket(name).Delete([]byte(key))
	})
}
