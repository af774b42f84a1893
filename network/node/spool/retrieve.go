package spool

import (
	"encoding/base64"
	"fmt"

	"allium/network"
)

// retrieveOverhead is what each message adds to a retrieve's size besides its hash and base64
// data: roughly its JSON keys, timestamp and expiration, as the storage server counts it.
const retrieveOverhead = 100

// RetrieveSize is what m counts for in a retrieve's size limit.
func RetrieveSize(m Message) int { return retrieveSize(len(m.Hash), len(m.Data)) }

func retrieveSize(hash, data int) int {
	return hash + base64.StdEncoding.EncodedLen(data) + retrieveOverhead
}

// Retrieve returns the unexpired messages of (pk, ns) stored after the message lastHash, in
// insertion order. An empty or unknown lastHash, or one of another account or namespace,
// means from the start. maxCount > 0 limits the number of messages; maxSize > 0 limits their
// size, each counting len(Hash) + the base64 length of Data + 100 bytes, but the first
// available message is returned whatever its size. more reports that messages remain after
// the last one returned.
//
// The messages of one call share one backing array for their data (each Data is capped, so
// appending to one never overwrites another).
func (s *Store) Retrieve(pk [33]byte, ns network.Namespace, lastHash string, maxCount, maxSize int) (msgs []Message, more bool, err error) {
	var p page
	err = s.view("retrieve", func(t *txn) error {
		start := makeMsgKey(&pk, ns, 0)
		pre := start[:prefixLen]
		if len(lastHash) == network.HashLen {
			// Seek just past the last message the client saw, if it is in this (account,
			// namespace); seq+1 cannot overflow, sequences start at 1 and grow by one.
			if k := t.hashes().Get([]byte(lastHash)); len(k) == msgKeyLen && hasPrefix(k, pre) {
				copy(start[:], k)
				putSeq(start[prefixLen:], start.seq()+1)
			}
		}
		p.hint = maxCount
		size := 0
		c := t.msgs().Cursor()
		for k, v := c.Seek(start[:]); k != nil && hasPrefix(k, pre); k, v = c.Next() {
			rec, ok := decodeRecord(v)
			if !ok || len(k) != msgKeyLen {
				return fmt.Errorf("%w: bad message record", ErrCorrupt)
			}
			if rec.expiry <= t.now {
				continue
			}
			n := retrieveSize(len(rec.hash), len(rec.data))
			if len(p.msgs) > 0 && (maxCount > 0 && len(p.msgs) >= maxCount || maxSize > 0 && size+n > maxSize) {
				more = true
				break
			}
			size += n
			p.add(k, rec)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return p.messages(), more, nil
}

// Since returns up to limit unexpired messages of every account with Seq > afterSeq, in Seq
// order (limit <= 0: all of them), and stops before the message that would take their
// size, counted as Retrieve counts it, past maxSize (maxSize <= 0: no limit); the first
// message is returned whatever its size. A swarm peer catching up pages through the store
// by passing the last Seq it received; an empty result means it has everything.
func (s *Store) Since(afterSeq uint64, limit, maxSize int) (msgs []Message, err error) {
	var p page
	err = s.view("since", func(t *txn) error {
		if afterSeq == ^uint64(0) {
			return nil
		}
		p.hint = limit
		size := 0
		var start [seqLen]byte
		putSeq(start[:], afterSeq+1)
		c := t.seqs().Cursor()
		for sk, k := c.Seek(start[:]); sk != nil; sk, k = c.Next() {
			if limit > 0 && len(p.msgs) >= limit {
				break
			}
			rec, ok := decodeRecord(t.msgs().Get(k))
			if !ok || len(k) != msgKeyLen {
				return fmt.Errorf("%w: sequence index names a missing message", ErrCorrupt)
			}
			if rec.expiry <= t.now {
				continue
			}
			n := retrieveSize(len(rec.hash), len(rec.data))
			if maxSize > 0 && len(p.msgs) > 0 && size+n > maxSize {
				break
			}
			size += n
			p.add(k, rec)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p.messages(), nil
}

// page gathers messages read in a transaction. bbolt's memory is valid only inside it, so
// hashes and data are copied out — into two growing buffers rather than one allocation per
// message — and the Messages are pointed at them once reading is done.
type page struct {
	hint   int // the caller's count limit, if any: sizes the buffers at the first message
	msgs   []Message
	hashes []byte
	data   []byte
	ends   []int // ends[i] is where msgs[i]'s data ends in data
}

// add appends the message stored under key k.
func (p *page) add(k []byte, rec record) {
	if p.msgs == nil {
		// Nothing is allocated for an empty result, the usual answer to a poll.
		n := 16
		if p.hint > 0 {
			n = min(p.hint, 64)
		}
		p.msgs = make([]Message, 0, n)
		p.hashes = make([]byte, 0, n*network.HashLen)
		p.ends = make([]int, 0, n)
	}
	var key msgKey
	copy(key[:], k)
	m := Message{
		Namespace: key.namespace(),
		Timestamp: rec.timestamp,
		Expiry:    rec.expiry,
		Seq:       key.seq(),
	}
	copy(m.Pubkey[:], k)
	p.msgs = append(p.msgs, m)
	p.hashes = append(p.hashes, rec.hash...)
	p.data = append(p.data, rec.data...)
	p.ends = append(p.ends, len(p.data))
}

func (p *page) messages() []Message {
	hashes := string(p.hashes)
	start := 0
	for i := range p.msgs {
		m := &p.msgs[i]
		m.Hash = hashes[i*network.HashLen : (i+1)*network.HashLen]
		end := p.ends[i]
		m.Data = p.data[start:end:end]
		start = end
	}
	return p.msgs
}
