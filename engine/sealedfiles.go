package engine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"allium/engine/store"
	"allium/engine/vault"
)

// The files of a profile — attachments, link-preview pictures, avatars — are sealed with
// the profile key (vault.CreateSealed) under random names without an extension, so that
// neither their contents nor their kinds show on disk. Deleting one overwrites it first.

// OpenFile opens a file the engine names (an Attachment's Path, a Conversation's or the
// account's Avatar), decrypting it as it is read. A file that is not sealed — one the
// person chose on their own disk — is opened as it is. The profile must be open (its key
// in memory), as it is while its engine runs.
func OpenFile(path string) (io.ReadCloser, error) {
	if !vault.IsSealed(path) {
		return os.Open(path)
	}
	k, err := vault.ProfileKey(filepath.Dir(filepath.Dir(path)), false)
	if err != nil {
		return nil, err
	}
	return vault.OpenSealed(path, k)
}

// ReadFile reads a whole file as OpenFile opens it.
func ReadFile(path string) ([]byte, error) {
	f, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// PlainCopy writes the decrypted content of a profile's file to a new file named name in
// a new directory of the system's temporary directory, for another program to open, and
// returns its path. That copy is readable on disk until RemovePlainCopies (the app calls
// it when it quits) or the system clears its temporary files.
func PlainCopy(path, name string) (string, error) {
	dir, err := os.MkdirTemp("", plainCopyPrefix)
	if err != nil {
		return "", fmt.Errorf("engine: %w", err)
	}
	in, err := OpenFile(path)
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	defer in.Close()
	out := filepath.Join(dir, SanitizeFileName(name))
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("engine: %w", err)
	}
	_, err = io.Copy(f, in)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return out, nil
}

const plainCopyPrefix = "allium-open-"

// RemovePlainCopies overwrites and removes the copies PlainCopy made.
func RemovePlainCopies() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), plainCopyPrefix+"*"))
	for _, d := range dirs {
		files, _ := os.ReadDir(d)
		for _, f := range files {
			vault.Shred(filepath.Join(d, f.Name()))
		}
		os.RemoveAll(d)
	}
}

// keyFilesSealed marks, in the account, a profile whose files sealOldFiles has sealed.
const keyFilesSealed = "files_sealed"

// sealOldFiles seals the files of a profile written before encryption at rest, in place;
// vault.SealInPlace makes each one safe against a crash.
func sealOldFiles(dir string, k vault.Key) error {
	d := filepath.Join(dir, filesDir)
	entries, err := os.ReadDir(d)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if err := os.Chmod(d, 0o700); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	for _, ent := range entries {
		name := ent.Name()
		if !ent.Type().IsRegular() {
			continue
		}
		if base, ok := strings.CutSuffix(name, ".sealing"); ok {
			if _, err := os.Stat(filepath.Join(d, base)); errors.Is(err, os.ErrNotExist) {
				// The original was overwritten and removed: the copy is complete.
				if err := vault.SealInPlace(filepath.Join(d, base), k); err != nil {
					return err
				}
			}
			continue
		}
		if err := vault.SealInPlace(filepath.Join(d, name), k); err != nil {
			return err
		}
	}
	return nil
}

// openOwn opens one of the profile's files with the engine's own copy of the key, which
// it keeps while it runs: the app's lock forgets the vault's copy, and uploads, retries
// and previews must go on meanwhile.
func (e *Engine) openOwn(path string) (io.ReadCloser, error) {
	if !vault.IsSealed(path) {
		return os.Open(path)
	}
	return vault.OpenSealed(path, e.key)
}

// readOwn reads a whole file as openOwn opens it.
func (e *Engine) readOwn(path string) ([]byte, error) {
	f, err := e.openOwn(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// ProgramValue returns what a program using the engine (allium-cli) stored under name with
// SetProgramValue, kept encrypted in the profile like everything else; nil if nothing.
func (e *Engine) ProgramValue(name string) ([]byte, error) {
	b, _, err := e.st.Get(store.Settings, programKeyPrefix+name)
	return b, err
}

// SetProgramValue stores v under name for ProgramValue.
func (e *Engine) SetProgramValue(name string, v []byte) error {
	return e.st.Put(store.Settings, programKeyPrefix+name, v)
}

const programKeyPrefix = "program:"
