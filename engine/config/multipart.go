package config

import (
	"fmt"

	"golang.org/x/crypto/blake2b"
)

// Multipart configs: a config too large for one message is split, each part's plaintext
// being 'm' ‖ bencode([hash32, index, count, chunk]) with hash32 the BLAKE2b-256 of the
// whole padded plaintext (shared/protocol/config-sync.md §2.2). The libsession snapshot
// Allium was checked against (January 2025) still only logs "multi-part messages not yet
// supported" in base.cpp _merge; the layout comes from its successor as the spec records
// it, so Allium reads such configs but never writes them.

// maxPartSets bounds how many incomplete multipart configs are held at once.
const maxPartSets = 8

type partSet struct {
	count int
	parts map[int][]byte
	size  int
}

type partStore struct {
	sets map[Hash]*partSet
	done map[Hash]bool
}

func newPartStore() *partStore {
	return &partStore{sets: map[Hash]*partSet{}, done: map[Hash]bool{}}
}

func partNumber(v any) (int, bool) {
	switch x := v.(type) {
	case int64:
		return int(x), x >= 0 && x < 256
	case string:
		if len(x) == 1 {
			return int(x[0]), true
		}
	}
	return 0, false
}

// add records one part (the bytes after 'm') and returns the joined plaintext once every
// part is there, nil before.
func (s *partStore) add(b []byte) ([]byte, error) {
	v, err := Decode(b)
	if err != nil {
		return nil, err
	}
	l, ok := v.(List)
	if !ok || len(l) != 4 {
		return nil, fmt.Errorf("%w: multipart part is not a 4-list", ErrParse)
	}
	hs, ok1 := l[0].(string)
	index, ok2 := partNumber(l[1])
	count, ok3 := partNumber(l[2])
	chunk, ok4 := l[3].(string)
	if !ok1 || !ok2 || !ok3 || !ok4 || len(hs) != 32 || count < 2 || index >= count {
		return nil, fmt.Errorf("%w: invalid multipart part", ErrParse)
	}
	h := Hash([]byte(hs))
	if s.done[h] {
		return nil, nil // already joined and merged
	}
	set := s.sets[h]
	if set == nil {
		if len(s.sets) >= maxPartSets {
			for k := range s.sets {
				delete(s.sets, k) // drop an arbitrary old set rather than grow without bound
				break
			}
		}
		set = &partSet{count: count, parts: map[int][]byte{}}
		s.sets[h] = set
	}
	if set.count != count {
		return nil, fmt.Errorf("%w: multipart count mismatch", ErrParse)
	}
	if _, dup := set.parts[index]; !dup {
		set.size += len(chunk)
		if set.size > maxConfigSize {
			delete(s.sets, h)
			return nil, fmt.Errorf("%w: multipart config too large", ErrParse)
		}
		set.parts[index] = []byte(chunk)
	}
	if len(set.parts) < set.count {
		return nil, nil
	}
	whole := make([]byte, 0, set.size)
	for i := 0; i < set.count; i++ {
		whole = append(whole, set.parts[i]...)
	}
	delete(s.sets, h)
	if blake2b.Sum256(whole) != h {
		return nil, fmt.Errorf("%w: multipart hash mismatch", ErrParse)
	}
	s.done[h] = true
	return whole, nil
}
