package store

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// Retrieval resumes after the last hash a node returned, and that hash means something
// only to that node and namespace, so the store keeps one per (node, namespace).

// cursorKey is a cursors key: node Ed25519 key ‖ namespace.
func cursorKey(node [32]byte, ns int16) []byte {
	return binary.BigEndian.AppendUint16(append(make([]byte, 0, 34), node[:]...), uint16(ns))
}

// Cursor returns the last hash retrieved from namespace ns of the swarm node with Ed25519
// key node, or "" to retrieve from the start.
func (s *Store) Cursor(node [32]byte, ns int16) (string, error) {
	var hash string
	err := s.view("read poll cursor", func(tx *bolt.Tx) error {
		v, err := s.bucket(tx, bucketCursors).Get(cursorKey(node, ns))
		hash = string(v)
		return err
	})
	return hash, err
}

// SetCursor records the last hash retrieved from namespace ns of node; "" forgets it.
func (s *Store) SetCursor(node [32]byte, ns int16, hash string) error {
	return s.update("write poll cursor", func(t *txn) error {
		b := t.bucket(bucketCursors)
		if hash == "" {
			return b.Delete(cursorKey(node, ns))
		}
		return b.Put(cursorKey(node, ns), []byte(hash))
	})
}
