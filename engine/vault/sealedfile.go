package vault

import (
	"bufio"
	"bytes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/crypto/chacha20poly1305"
)

// Files of a profile (attachments, pictures, avatars) are stored sealed, in the STREAM
// construction (Hoang, Reyhanitabar, Rogaway and Vizár, "Online Authenticated-Encryption
// and its Nonce-Reuse Misuse-Resistance") over XChaCha20-Poly1305:
//
//	"ALLIUMF1" ‖ nonce prefix (15 random bytes) ‖ chunk ‖ chunk ‖ …
//
// Each chunk is up to 64 KiB of the file sealed with the nonce prefix ‖ chunk number
// (8 bytes big-endian) ‖ 1 for the last chunk, 0 for the others, under a key that HKDF
// derives from the profile key for files alone. A chunk moved, dropped or repeated fails
// to open, and so does a file cut short, since its last chunk is marked. A file is read
// as a stream: a picture of 10 MB never needs 10 MB of memory to decrypt.

var fileMagic = []byte("ALLIUMF1")

const (
	chunkSize    = 64 << 10
	prefixLen    = chacha20poly1305.NonceSizeX - 9
	sealedHeader = 8 + prefixLen
)

// ErrFileDamaged: a sealed file does not open: damaged, cut short, or not of this profile.
var ErrFileDamaged = errors.New("vault: the file is damaged or not of this profile")

func fileAEAD(k Key) cipher.AEAD {
	b, err := hkdf.Key(sha256.New, k[:], nil, "allium files", chacha20poly1305.KeySize)
	if err != nil {
		panic(err)
	}
	a, err := chacha20poly1305.NewX(b)
	if err != nil {
		panic(err)
	}
	return a
}

func chunkNonce(prefix []byte, n uint64, last bool) []byte {
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	copy(nonce, prefix)
	binary.BigEndian.PutUint64(nonce[prefixLen:], n)
	if last {
		nonce[len(nonce)-1] = 1
	}
	return nonce
}

// sealWriter seals what is written to it; Close writes the last chunk.
type sealWriter struct {
	f      *os.File
	aead   cipher.AEAD
	prefix []byte
	n      uint64
	buf    []byte
	out    []byte
	err    error
}

// CreateSealed creates a new file at path (mode 0600, for the owner only; it must not
// exist) that seals what is written to it with the profile key k. Close syncs it.
func CreateSealed(path string, k Key) (io.WriteCloser, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if err := restrict(path); err != nil {
		f.Close()
		return nil, err
	}
	w := &sealWriter{f: f, aead: fileAEAD(k), prefix: make([]byte, prefixLen), buf: make([]byte, 0, chunkSize)}
	rand.Read(w.prefix)
	if _, err := f.Write(append(append([]byte(nil), fileMagic...), w.prefix...)); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

func (w *sealWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := len(p)
	for len(p) > 0 {
		if len(w.buf) == chunkSize {
			// A full chunk is written only once more follows, so that the last one,
			// which Close writes, is never empty unless the file is.
			w.flush(false)
			if w.err != nil {
				return 0, w.err
			}
		}
		m := copy(w.buf[len(w.buf):chunkSize], p)
		w.buf = w.buf[:len(w.buf)+m]
		p = p[m:]
	}
	return n, nil
}

func (w *sealWriter) flush(last bool) {
	w.out = w.aead.Seal(w.out[:0], chunkNonce(w.prefix, w.n, last), w.buf, nil)
	w.n++
	w.buf = w.buf[:0]
	if _, err := w.f.Write(w.out); err != nil {
		w.err = err
	}
}

func (w *sealWriter) Close() error {
	if w.err == nil {
		w.flush(true)
	}
	if w.err == nil {
		w.err = w.f.Sync()
	}
	if err := w.f.Close(); w.err == nil {
		w.err = err
	}
	return w.err
}

// sealReader opens a sealed file as it is read.
type sealReader struct {
	f      *os.File
	r      *bufio.Reader
	aead   cipher.AEAD
	prefix []byte
	n      uint64
	in     []byte
	plain  []byte
	done   bool
}

// OpenSealed opens the sealed file at path with the profile key k. A read that meets a
// damaged chunk, or the end of a file cut short, fails with ErrFileDamaged.
func OpenSealed(path string, k Key) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r := &sealReader{f: f, r: bufio.NewReaderSize(f, chunkSize+chacha20poly1305.Overhead), aead: fileAEAD(k)}
	head := make([]byte, sealedHeader)
	if _, err := io.ReadFull(r.r, head); err != nil || !bytes.Equal(head[:8], fileMagic) {
		f.Close()
		return nil, ErrFileDamaged
	}
	r.prefix = head[8:]
	r.in = make([]byte, chunkSize+chacha20poly1305.Overhead)
	return r, nil
}

func (r *sealReader) Read(p []byte) (int, error) {
	for len(r.plain) == 0 {
		if r.done {
			return 0, io.EOF
		}
		n, err := io.ReadFull(r.r, r.in)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return 0, err
		}
		// A short chunk, or a full one with nothing after it, is the last one.
		_, peekErr := r.r.Peek(1)
		last := n < len(r.in) || errors.Is(peekErr, io.EOF)
		plain, oerr := r.aead.Open(r.plain[:0], chunkNonce(r.prefix, r.n, last), r.in[:n], nil)
		if oerr != nil {
			return 0, ErrFileDamaged
		}
		r.n++
		r.plain, r.done = plain, last
	}
	m := copy(p, r.plain)
	r.plain = r.plain[m:]
	return m, nil
}

func (r *sealReader) Close() error { return r.f.Close() }

// IsSealed reports whether the file at path starts as a sealed file does.
func IsSealed(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(fileMagic))
	_, err = io.ReadFull(f, head)
	return err == nil && bytes.Equal(head, fileMagic)
}

// SealInPlace replaces the plaintext file at path (one written before encryption at
// rest) with its sealed form: it is sealed into path.sealing and synced, the plaintext
// overwritten and removed, and the sealed copy renamed into place. After a crash, run it
// again: a complete path.sealing beside an overwritten original is renamed into place, an
// incomplete one is written again.
func SealInPlace(path string, k Key) error {
	tmp := path + ".sealing"
	// A complete .sealing is finished only before the original is overwritten, so it is
	// always the file's whole content.
	if complete(tmp, k) {
		return os.Rename(tmp, path)
	}
	if IsSealed(path) {
		os.Remove(tmp)
		return nil
	}
	os.Remove(tmp)
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	w, err := CreateSealed(tmp, k)
	if err == nil {
		_, err = io.Copy(w, in)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}
	in.Close()
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("vault: seal %s: %w", path, err)
	}
	// From here a complete .sealing exists, so the original may be destroyed.
	if err := Shred(path); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// complete reports whether the sealed file at path opens to its end.
func complete(path string, k Key) bool {
	r, err := OpenSealed(path, k)
	if err != nil {
		return false
	}
	defer r.Close()
	_, err = io.Copy(io.Discard, r)
	return err == nil
}
