package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"time"

	"allium/crypto"
	"allium/engine/store"
	"allium/engine/vault"
	"allium/network/client"
)

// Attachments are files sent with a message: pictures, documents, voice notes. A file is
// copied into the profile (its files directory) when it is sent or fetched, so that the
// conversation does not depend on where it came from, and deleting the message deletes
// it. Sending uploads it, encrypted, to the network's file server through an onion path
// before the message that points at it is stored; receiving fetches it the same way.

// MaxFileSize is the largest file Allium sends, in bytes, as every Session client limits
// an attachment.
const MaxFileSize = 10_000_000

// filesDir is the profile's directory of attachments.
const filesDir = "files"

// File is a file to send.
type File struct {
	// Path is read when SendFiles is called; the file may change or go away afterwards.
	Path string
	// Name is what the recipient sees (default: Path's base name).
	Name string
	// ContentType is the MIME type (default: from the name's extension).
	ContentType string
	// Voice marks a voice message.
	Voice bool
}

// Attachment is a file of a message, as the app and the command line show it.
type Attachment struct {
	Name        string
	ContentType string
	// Size is the file's size in bytes.
	Size  int64
	Voice bool
	// Width and Height are a picture's size in pixels, when the sender said.
	Width, Height int
	State         AttachmentState
	// Path is the file in the profile once it is here (ours, or fetched).
	Path string
}

// AttachmentState is where an attachment is.
type AttachmentState uint8

const (
	// AttachmentUploading: ours, being encrypted and uploaded.
	AttachmentUploading AttachmentState = iota + 1
	// AttachmentSent: ours, uploaded; the file is here.
	AttachmentSent
	// AttachmentOffered: someone else's, not fetched (the message is a request, or the
	// fetch waits its turn). Download fetches it.
	AttachmentOffered
	// AttachmentDownloading: being fetched.
	AttachmentDownloading
	// AttachmentHere: fetched and checked; the file is at Path.
	AttachmentHere
	// AttachmentFailed: it could not be fetched, or what came was not the file (a
	// tampered or damaged download is never kept).
	AttachmentFailed
	// AttachmentExpired: the file server no longer has it.
	AttachmentExpired
)

func (s AttachmentState) String() string {
	switch s {
	case AttachmentUploading:
		return "uploading"
	case AttachmentSent:
		return "sent"
	case AttachmentOffered:
		return "offered"
	case AttachmentDownloading:
		return "downloading"
	case AttachmentHere:
		return "here"
	case AttachmentFailed:
		return "failed"
	case AttachmentExpired:
		return "expired"
	}
	return fmt.Sprintf("AttachmentState(%d)", uint8(s))
}

// FileTooLargeError is a file over MaxFileSize. It wraps ErrTooLong.
type FileTooLargeError struct {
	Name        string
	Size, Limit int64
}

func (e *FileTooLargeError) Error() string {
	return fmt.Sprintf("engine: file %q of %d bytes over the limit of %d", e.Name, e.Size, e.Limit)
}

func (e *FileTooLargeError) Unwrap() error { return ErrTooLong }

func (e *Engine) attachmentsOf(as []store.Attachment) []Attachment {
	if len(as) == 0 {
		return nil
	}
	out := make([]Attachment, len(as))
	for i, a := range as {
		out[i] = Attachment{Name: a.Name, ContentType: a.ContentType, Size: a.Size, Voice: a.Voice,
			Width: a.Width, Height: a.Height, State: AttachmentState(a.State)}
		if a.Path != "" {
			out[i].Path = filepath.Join(e.opts.Dir, filesDir, a.Path)
		}
	}
	return out
}

// copyIn copies a file to send into the profile and describes it. It refuses a file over
// MaxFileSize before copying anything.
func (e *Engine) copyIn(f File) (store.Attachment, error) {
	in, err := os.Open(f.Path)
	if err != nil {
		return store.Attachment{}, fmt.Errorf("engine: %w", err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return store.Attachment{}, fmt.Errorf("engine: %w", err)
	}
	name := f.Name
	if name == "" {
		name = filepath.Base(f.Path)
	}
	name = SanitizeFileName(name)
	if fi.Size() > MaxFileSize {
		return store.Attachment{}, &FileTooLargeError{Name: name, Size: fi.Size(), Limit: MaxFileSize}
	}
	if !fi.Mode().IsRegular() {
		return store.Attachment{}, fmt.Errorf("engine: %s is not a file", f.Path)
	}
	ct := f.ContentType
	if ct == "" {
		ct = mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	rel, err := e.newFile(in, name, MaxFileSize)
	if err != nil {
		return store.Attachment{}, err
	}
	return store.Attachment{Name: name, ContentType: ct, Size: fi.Size(), Voice: f.Voice,
		State: uint8(AttachmentUploading), Path: rel}, nil
}

// newFile seals what r holds (at most limit bytes) into a new file of the files
// directory and returns its name there. The name is random, so that nothing about the
// file shows in the directory listing.
func (e *Engine) newFile(r io.Reader, name string, limit int64) (string, error) {
	dir := filepath.Join(e.opts.Dir, filesDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("engine: %w", err)
	}
	var b [12]byte
	rand.Read(b[:])
	rel := hex.EncodeToString(b[:])
	path := filepath.Join(dir, rel)
	out, err := vault.CreateSealed(path, e.key)
	if err != nil {
		return "", fmt.Errorf("engine: %w", err)
	}
	n, err := io.Copy(out, io.LimitReader(r, limit+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > limit {
		err = fmt.Errorf("engine: %s is over %d bytes", name, limit)
	}
	if err != nil {
		vault.Shred(path)
		return "", err
	}
	return rel, nil
}

// filePath is the full path of a file of the files directory, "" for none.
func (e *Engine) filePath(rel string) string {
	if rel == "" {
		return ""
	}
	return filepath.Join(e.opts.Dir, filesDir, rel)
}

// removeFiles overwrites and deletes the files of a message that is gone.
func (e *Engine) removeFiles(as []store.Attachment) {
	for _, a := range as {
		if a.Path != "" && a.Path == filepath.Base(a.Path) {
			vault.Shred(filepath.Join(e.opts.Dir, filesDir, a.Path))
		}
	}
}

// deleteMessage deletes a message and its files, and reports whether it existed.
func (e *Engine) deleteMessage(conv, author crypto.SessionID, ts int64) (bool, error) {
	m, ok, err := e.st.Message(conv, author, ts)
	if err != nil || !ok {
		return false, err
	}
	if ok, err = e.st.DeleteMessage(conv, author, ts); err == nil && ok {
		e.removeFiles(messageFiles(m))
	}
	return ok, err
}

// ErrNoFileServer: the network has no file server, so files cannot be sent or fetched.
var ErrNoFileServer = errors.New("engine: this network has no file server")

// fileTTL is how long the file server keeps what we upload: as long as the message that
// points at it may wait in a swarm.
const fileTTL = ttlContent

// download fetches a file from the network's file server; on the public network, a
// download that fails other than by the file being gone is tried once more under the
// server's older key.
func (e *Engine) download(ctx context.Context, id string) ([]byte, error) {
	b, err := e.net.Download(ctx, *e.files, id)
	if err != nil && !errors.Is(err, client.ErrFileNotFound) && ctx.Err() == nil && *e.files == sessionFileServer {
		if old, oerr := e.net.Download(ctx, sessionFileServerOld, id); oerr == nil {
			return old, nil
		}
	}
	return b, err
}

// fileContext bounds one upload or download attempt.
func (e *Engine) fileContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(e.ctx, 2*time.Minute)
}

// encryptFile encrypts a file for upload with the scheme Session Desktop sends by default
// today (1.17.17): the legacy one, AES-256-CBC with HMAC-SHA256, padded, with its 64-byte
// key and SHA-256 digest in the pointer. Desktop sends libsession's deterministic scheme
// only behind a feature flag that is off by default, and every client decrypts legacy
// files, so these reach everyone. Files are padded; previews' pictures are not, as
// Session Desktop sends them.
func encryptFile(data []byte, pad bool) (blob, key, digest []byte, err error) {
	blob, k, d, err := crypto.EncryptLegacyAttachment(rand.Reader, data, pad)
	if err != nil {
		return nil, nil, nil, err
	}
	return blob, k[:], d[:], nil
}

// decryptFile decrypts a downloaded file with the scheme its pointer names. Anything
// that fails to check is crypto.ErrDecrypt, and nothing of it is kept.
func decryptFile(fp *FilePointer, blob []byte) ([]byte, error) {
	if fp.Deterministic {
		plain, err := crypto.DecryptAttachment(&fp.DeterministicKey, blob)
		if err == nil && len(plain) != fp.Size {
			return nil, crypto.ErrDecrypt
		}
		return plain, err
	}
	return crypto.DecryptLegacyAttachment(&fp.LegacyKey, fp.Digest, fp.Size, blob)
}
