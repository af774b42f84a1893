package engine

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"allium/crypto"
	"allium/engine/vault"
)

// TestNothingReadableAtRest writes two profiles the way people use them — names, a
// nickname, messages both ways, a read receipt, the node and swarm caches — closes them,
// and scans every byte of every file in each profile directory for the texts, the names,
// the Session IDs (raw and in hex) and the seed: none may appear. Bob's profile is then
// protected by a passphrase and scanned again, for his profile key too.
func TestNothingReadableAtRest(t *testing.T) {
	sw := newMemSwarm()
	aliceDir, bobDir := t.TempDir(), t.TempDir()
	aliceID, err := Create(aliceDir, "", "MarkerAliceName")
	if err != nil {
		t.Fatal(err)
	}
	bobID, err := Create(bobDir, "", "MarkerBobName")
	if err != nil {
		t.Fatal(err)
	}
	alice := reopenMem(t, sw, aliceDir, Options{})
	bob := reopenMem(t, sw, bobDir, Options{})
	if _, err := alice.StartConversation(bob.SessionID()); err != nil {
		t.Fatal(err)
	}
	if err := alice.SetContactName(bob.SessionID(), "MarkerNickname"); err != nil {
		t.Fatal(err)
	}
	texts := []string{"MarkerTextFromAlice meet at the north gate", "MarkerSecondText bring the documents"}
	for _, text := range texts {
		if _, err := alice.Send(bob.SessionID(), text); err != nil {
			t.Fatal(err)
		}
		waitFor(t, bob, "the message", func(ev Event) bool {
			switch r := ev.(type) {
			case MessageReceived:
				return r.Message.Body == text
			case RequestReceived:
				return r.Message.Body == text
			}
			return false
		})
	}
	reply := "MarkerReplyFromBob understood"
	if _, err := bob.Send(alice.SessionID(), reply); err != nil {
		t.Fatal(err)
	}
	waitFor(t, alice, "the reply", func(ev Event) bool {
		r, ok := ev.(MessageReceived)
		return ok && r.Message.Body == reply
	})
	// A file both ways of the profile (Alice's sent copy, Bob's received one), and an
	// avatar that Bob fetches.
	fileText := []byte("MarkerFileContent the list of names, " + strings.Repeat("long enough to span chunks ", 5000))
	m, err := alice.SendFiles(bob.SessionID(), "MarkerCaption", []File{{Path: writeTemp(t, "MarkerFileName.txt", fileText)}})
	if err != nil {
		t.Fatal(err)
	}
	got := waitAttachments(t, bob, m.Timestamp, AttachmentHere)
	if b, err := ReadFile(got[0].Path); err != nil || !bytes.Equal(b, fileText) {
		t.Fatalf("Bob's copy of the file: %d bytes, %v", len(b), err)
	}
	pic := picture(t)
	if err := alice.SetAvatar(context.Background(), writeTemp(t, "me.png", pic)); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Send(bob.SessionID(), "MarkerWithAvatar"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, bob, "Alice's avatar", func(ev Event) bool {
		u, ok := ev.(ConversationUpdated)
		return ok && u.Conversation.Avatar != ""
	})
	if err := alice.Close(); err != nil {
		t.Fatal(err)
	}
	if err := bob.Close(); err != nil {
		t.Fatal(err)
	}

	markers := [][]byte{[]byte("Marker"), fileText[:200], pic[16:80], []byte("IHDR")}
	for _, text := range append(texts, reply, "north gate", "MarkerAliceName", "MarkerBobName", "MarkerNickname") {
		markers = append(markers, []byte(text))
	}
	for _, id := range []*crypto.Identity{aliceID, bobID} {
		sid := id.SessionID()
		seed, _ := id.Seed()
		phrase, err := id.Phrase()
		if err != nil {
			t.Fatal(err)
		}
		markers = append(markers, sid[:], sid[1:], []byte(sid.String()), []byte(sid.String()[2:]),
			seed[:], []byte(hex.EncodeToString(seed[:])), []byte(phrase))
	}
	scanProfile(t, aliceDir, markers)
	scanProfile(t, bobDir, markers)

	// With a passphrase the profile key is no longer in any file either.
	bobKey, err := vault.ProfileKey(bobDir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := vault.SetPassphrase(bobDir, nil, []byte("correct horse battery")); err != nil {
		t.Fatal(err)
	}
	vault.Lock(bobDir)
	scanProfile(t, bobDir, append(markers, bobKey[:], []byte(hex.EncodeToString(bobKey[:]))))
	if _, err := Open(Options{Dir: bobDir, connect: sw.connect}); err != vault.ErrNeedPassphrase {
		t.Fatalf("opening a locked profile: %v, want ErrNeedPassphrase", err)
	}
	if _, err := vault.Unlock(bobDir, []byte("correct horse battery")); err != nil {
		t.Fatal(err)
	}
	bob = reopenMem(t, sw, bobDir, Options{})
	ms, err := bob.Messages(aliceID.SessionID(), 0, 0)
	if err != nil || len(ms) != 5 || ms[0].Body != texts[0] {
		t.Fatalf("after unlocking: %d messages, %v", len(ms), err)
	}
}

// scanProfile fails the test if any marker appears in any file under dir, and checks that
// files are 0600 and directories 0700.
func scanProfile(t *testing.T, dir string, markers [][]byte) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if runtime.GOOS != "windows" {
			want := fs.FileMode(0o600)
			if d.IsDir() {
				want = 0o700
			}
			if fi.Mode().Perm() != want {
				t.Errorf("%s has mode %v, want %v", filepath.Base(path), fi.Mode().Perm(), want)
			}
		}
		if d.IsDir() {
			return nil
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range markers {
			if i := bytes.Index(b, m); i >= 0 {
				t.Errorf("%s holds %q at byte %d", filepath.Base(path), m, i)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 2 {
		t.Fatalf("only %d files in the profile: the scan saw nothing", files)
	}
}

// TestOldFilesSealedOnOpen: files a profile kept in the clear before encryption at rest
// are sealed in place when the engine opens it, under the names the database has for them.
func TestOldFilesSealedOnOpen(t *testing.T) {
	sw := newMemSwarm()
	dir := t.TempDir()
	if _, err := Create(dir, "", "Alice"); err != nil {
		t.Fatal(err)
	}
	files := filepath.Join(dir, filesDir)
	if err := os.MkdirAll(files, 0o755); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(files, "0123abcd.jpg")
	plain := []byte("MarkerOldPicture in the clear")
	if err := os.WriteFile(old, plain, 0o644); err != nil {
		t.Fatal(err)
	}
	e := reopenMem(t, sw, dir, Options{})
	if getString(e.st, keyFilesSealed) == "" {
		t.Fatal("the profile is not marked as sealed: every start would check every file again")
	}
	if b, err := ReadFile(old); err != nil || !bytes.Equal(b, plain) {
		t.Fatalf("reading the sealed file: %q, %v", b, err)
	}
	if !vault.IsSealed(old) {
		t.Fatal("the old file is not sealed")
	}
	scanProfile(t, dir, [][]byte{[]byte("Marker")})
}

// TestDeletesRemoveFiles: delete for everyone, disappearing messages and deleting a
// conversation take the messages' files off the disk, on both sides, not only the
// messages off the list.
func TestDeletesRemoveFiles(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	contacts(t, alice, bob)
	send := func(text string) (Message, string, string) {
		t.Helper()
		m, err := alice.SendFiles(bob.SessionID(), text, []File{{Path: writeTemp(t, "f.txt", []byte(text))}})
		if err != nil {
			t.Fatal(err)
		}
		sent := waitAttachments(t, alice, m.Timestamp, AttachmentSent)
		got := waitAttachments(t, bob, m.Timestamp, AttachmentHere)
		return m, sent[0].Path, got[0].Path
	}
	gone := func(what string, paths ...string) {
		t.Helper()
		for _, p := range paths {
			deadline := time.Now().Add(10 * time.Second)
			for {
				if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: %s is still on disk", what, filepath.Base(p))
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}

	m, a, b := send("unsent with its file")
	if err := alice.Unsend(bob.SessionID(), m.Timestamp); err != nil {
		t.Fatal(err)
	}
	gone("delete for everyone", a, b)

	if err := alice.SetDisappearing(bob.SessionID(), Disappearing{Mode: DisappearAfterSend, Timer: 2 * time.Second}); err != nil {
		t.Fatal(err)
	}
	_, a, b = send("disappears with its file")
	gone("a disappearing message", a, b)

	if err := alice.SetDisappearing(bob.SessionID(), Disappearing{}); err != nil {
		t.Fatal(err)
	}
	_, a, b = send("deleted with its conversation")
	if err := alice.DeleteConversation(bob.SessionID()); err != nil {
		t.Fatal(err)
	}
	gone("deleting the conversation", a)
	if _, err := os.Stat(b); err != nil {
		t.Fatalf("Bob's copy went with Alice's conversation: %v", err)
	}
}

// TestLockedVaultKeepsEngineWorking: while the app is locked (the vault has forgotten the
// key) the engine still seals, uploads and fetches files with its own copy.
func TestLockedVaultKeepsEngineWorking(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	contacts(t, alice, bob)
	for _, e := range []*Engine{alice, bob} {
		if err := vault.SetPassphrase(e.opts.Dir, nil, []byte("locked while it runs")); err != nil {
			t.Fatal(err)
		}
		vault.Lock(e.opts.Dir)
	}
	m, err := alice.SendFiles(bob.SessionID(), "sent while locked", []File{{Path: writeTemp(t, "p.png", picture(t))}})
	if err != nil {
		t.Fatal(err)
	}
	if sent := waitAttachments(t, alice, m.Timestamp, AttachmentSent); sent[0].Width != 8 {
		t.Fatalf("the picture's size was not read while locked: %+v", sent[0])
	}
	got := waitAttachments(t, bob, m.Timestamp, AttachmentHere)
	if _, err := ReadFile(got[0].Path); !errors.Is(err, vault.ErrNeedPassphrase) {
		t.Fatalf("a locked profile's file: %v, want ErrNeedPassphrase", err)
	}
	if _, err := vault.Unlock(bob.opts.Dir, []byte("locked while it runs")); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(got[0].Path); err != nil || !bytes.Equal(b, picture(t)) {
		t.Fatalf("after unlocking: %d bytes, %v", len(b), err)
	}
}
