package vault

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// replace puts b into dir's profile.key without a moment when no usable file exists: the
// new file is written and synced beside it, the old one renamed to profile.key.old, the
// new one renamed into place, and then the old one overwritten and removed. A crash
// before the second rename leaves profile.key.old, which read uses.
func replace(dir string, b []byte) error {
	path := filepath.Join(dir, FileName)
	tmp, old := path+".tmp", path+".old"
	if err := WriteFileSync(tmp, b); err != nil {
		return fmt.Errorf("vault: write the key file: %w", err)
	}
	had := true
	if err := os.Rename(path, old); errors.Is(err, os.ErrNotExist) {
		had = false
	} else if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("vault: replace the key file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("vault: replace the key file: %w", err)
	}
	if err := SyncDir(dir); err != nil {
		return fmt.Errorf("vault: replace the key file: %w", err)
	}
	if had {
		return Shred(old)
	}
	return nil
}

// WriteFileSync writes b to a new file at path (mode 0600, replacing one that is there)
// and syncs it to disk.
func WriteFileSync(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := restrict(path); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// SyncDir syncs a directory, so that renames in it are on disk.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !errors.Is(err, errors.ErrUnsupported) {
		return syncDirErr(err)
	}
	return nil
}

// Shred overwrites the file at path with random bytes, syncs it, and removes it. A file
// that is not there is not an error. On a copy-on-write file system or an SSD that remaps
// blocks the old bytes may survive elsewhere; that is why the profile's contents are
// encrypted in the first place, and shredding only makes their recovery harder still.
func Shred(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("vault: overwrite %s: %w", filepath.Base(path), err)
	}
	fi, err := f.Stat()
	if err == nil && fi.Mode().IsRegular() {
		_, err = io.CopyN(f, rand.Reader, fi.Size())
		if err == nil {
			err = f.Sync()
		}
	}
	f.Close()
	if err != nil {
		return fmt.Errorf("vault: overwrite %s: %w", filepath.Base(path), err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("vault: remove %s: %w", filepath.Base(path), err)
	}
	return nil
}

// Destroy deletes the profile in dir from this computer: every file in it is overwritten
// and removed, then the directories, and the key's secret-store entry is deleted. The
// key is forgotten first, so that even a file that cannot be overwritten (and is then
// only removed) stays unreadable.
func Destroy(dir string) error {
	r, ok, _ := read(dir)
	Lock(dir)
	if ok && r.mode == SecretStore {
		secretDelete(r.entry)
	}
	// The key file goes first: without it nothing else can be read.
	if err := Shred(filepath.Join(dir, FileName)); err != nil {
		return err
	}
	Shred(filepath.Join(dir, FileName+".old"))
	var first error
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if err := Shred(path); err != nil && first == nil {
				first = err
			}
		}
		return nil
	})
	if err := os.RemoveAll(dir); err != nil && first == nil {
		first = fmt.Errorf("vault: remove the profile: %w", err)
	}
	return first
}
