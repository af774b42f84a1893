package fileserver

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/blake2b"

	"allium/network"
)

// A store keeps each file in files/<id>, with its metadata record files/<id>.meta
// ({"size","uploaded","expires"}, as /info answers), written after the file and
// replaced atomically. At open, the records are read into an index; a file without a
// record (a crash between the two) and leftover temporary files are removed. The index
// holds a few dozen bytes per file; max_files bounds it.
type store struct {
	dir      string
	hashIDs  bool
	maxDisk  int64
	maxFiles int

	mu    sync.Mutex // guards files and used, and orders commits
	files map[string]entry
	used  int64
}

type entry struct {
	size              int64
	uploaded, expires time.Time
}

func (e entry) info() network.FileInfo {
	return network.FileInfo{Size: e.size, Uploaded: e.uploaded, Expires: e.expires}
}

const (
	metaSuffix = ".meta"
	tmpPrefix  = ".tmp-"
	// blockSize is what a file costs the disk at least, beside its record.
	blockSize = 4096
)

var (
	errNotFound = errors.New("fileserver: no such file")
	errFull     = errors.New("fileserver: no room for more files")
	errTooLarge = errors.New("fileserver: file size not in (0, max]")
)

func diskCost(size int64) int64 { return (size+blockSize-1)/blockSize*blockSize + blockSize }

func openStore(dir string, hashIDs bool, maxDisk int64, maxFiles int, now time.Time) (*store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("fileserver: %w", err)
	}
	s := &store{dir: dir, hashIDs: hashIDs, maxDisk: maxDisk, maxFiles: maxFiles, files: map[string]entry{}}
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("fileserver: %w", err)
	}
	have := map[string]bool{}
	for _, de := range des {
		have[de.Name()] = true
	}
	for _, de := range des {
		name := de.Name()
		switch {
		case strings.HasPrefix(name, tmpPrefix):
			os.Remove(filepath.Join(dir, name))
		case strings.HasSuffix(name, metaSuffix):
			id := strings.TrimSuffix(name, metaSuffix)
			e, err := readMeta(filepath.Join(dir, name))
			if err != nil || !network.ValidFileID(id) || !have[id] || !e.expires.After(now) {
				s.remove(id)
				continue
			}
			s.files[id] = e
			s.used += diskCost(e.size)
		case network.ValidFileID(name) && !have[name+metaSuffix]:
			os.Remove(filepath.Join(dir, name))
		}
	}
	return s, nil
}

func readMeta(path string) (entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return entry{}, err
	}
	fi, err := network.ParseFileInfo(b)
	return entry{size: fi.Size, uploaded: fi.Uploaded, expires: fi.Expires}, err
}

// writeMeta replaces id's record.
func (s *store) writeMeta(id string, e entry) error {
	b, _ := json.Marshal(e.info()) // FileInfo always marshals
	tmp := filepath.Join(s.dir, tmpPrefix+id+metaSuffix)
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(s.dir, id+metaSuffix))
}

func (s *store) remove(id string) {
	os.Remove(filepath.Join(s.dir, id+metaSuffix))
	os.Remove(filepath.Join(s.dir, id))
}

// put writes the file read from r (at most network.MaxFileSize bytes) under a new id, or,
// with content-hash ids, under the id of the same file stored before, whose lifetime it
// renews. The bytes go to a temporary file as they are read; memory holds none of them.
func (s *store) put(r io.Reader, now time.Time, ttl time.Duration) (string, entry, error) {
	s.mu.Lock()
	full := len(s.files) >= s.maxFiles || s.used >= s.maxDisk
	s.mu.Unlock()
	if full {
		return "", entry{}, errFull
	}
	f, err := os.CreateTemp(s.dir, tmpPrefix+"*")
	if err != nil {
		return "", entry{}, err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	var h hash.Hash
	w := io.Writer(f)
	if s.hashIDs {
		h, _ = blake2b.New(33, nil) // a valid size and no key: cannot fail
		w = io.MultiWriter(f, h)
	}
	n, err := io.Copy(w, io.LimitReader(r, network.MaxFileSize+1))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", entry{}, err
	}
	if n == 0 || n > network.MaxFileSize {
		return "", entry{}, errTooLarge
	}
	e := entry{size: n, uploaded: now, expires: now.Add(ttl)}

	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.files) >= s.maxFiles || s.used+diskCost(n) > s.maxDisk {
		return "", entry{}, errFull
	}
	for range 25 {
		id := ""
		if h != nil {
			id = base64.URLEncoding.EncodeToString(h.Sum(nil))
		} else {
			id = randomID()
		}
		err := os.Link(tmp, filepath.Join(s.dir, id))
		if errors.Is(err, fs.ErrExist) {
			if h == nil {
				continue // another file has this number: draw again
			}
			// The same bytes are stored already: renew them, as Session's server does.
			if old, ok := s.files[id]; ok {
				s.used -= diskCost(old.size)
			}
		} else if err != nil {
			return "", entry{}, err
		}
		if err := s.writeMeta(id, e); err != nil {
			if _, ok := s.files[id]; !ok {
				s.remove(id)
			}
			return "", entry{}, err
		}
		s.files[id] = e
		s.used += diskCost(n)
		return id, e, nil
	}
	return "", entry{}, errFull
}

// randomID draws a decimal id in [1, 2^53), the range Session's server draws from, so
// that clients that keep ids as JavaScript numbers keep them exactly.
func randomID() string {
	var b [8]byte
	for {
		rand.Read(b[:])
		if v := binary.BigEndian.Uint64(b[:]) >> 11; v != 0 {
			return fmt.Sprint(v)
		}
	}
}

// get returns id's record if it has not expired.
func (s *store) get(id string, now time.Time) (entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.files[id]
	if !ok || !e.expires.After(now) {
		return entry{}, errNotFound
	}
	return e, nil
}

// open opens id's file for reading, if it has not expired.
func (s *store) open(id string, now time.Time) (*os.File, entry, error) {
	e, err := s.get(id, now)
	if err != nil {
		return nil, e, err
	}
	f, err := os.Open(filepath.Join(s.dir, id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, e, errNotFound // swept since
	}
	return f, e, err
}

// extend renews id's lifetime to now+ttl, or leaves it if it already lasts longer: a
// client asking for a shorter time (another device of the account, a short TTL of its
// own) must not make a file vanish before the people it was sent to have fetched it.
func (s *store) extend(id string, now time.Time, ttl time.Duration) (entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.files[id]
	if !ok || !e.expires.After(now) {
		return entry{}, errNotFound
	}
	if until := now.Add(ttl); until.After(e.expires) {
		e.expires = until
	} else {
		return e, nil
	}
	if err := s.writeMeta(id, e); err != nil {
		return entry{}, err
	}
	s.files[id] = e
	return e, nil
}

// sweep removes the files expired at now and returns how many.
func (s *store) sweep(now time.Time) int {
	var gone []string
	s.mu.Lock()
	for id, e := range s.files {
		if !e.expires.After(now) {
			gone = append(gone, id)
			delete(s.files, id)
			s.used -= diskCost(e.size)
		}
	}
	// Removing under the lock keeps a renewing upload of the same content from
	// linking a file that is about to go.
	for _, id := range gone {
		s.remove(id)
	}
	s.mu.Unlock()
	return len(gone)
}
