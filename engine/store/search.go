package store

import (
	"sort"

	bolt "go.etcd.io/bbolt"
)

// SearchMessages returns the newest limit messages, of every conversation, whose body
// match accepts, newest first (limit 0 or less: all of them). It reads every message:
// a profile holds one account's messages, which a scan reads in well under a second.
func (s *Store) SearchMessages(match func(body string) bool, limit int) ([]Message, error) {
	var out []Message
	err := s.view("search messages", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMessages).ForEach(func(k, v []byte) error {
			var m Message
			if err := s.seal.openMessage(k, v, &m); err != nil {
				return err
			}
			if m.Body != "" && match(m.Body) {
				out = append(out, m)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Timestamp > out[j].Timestamp })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
