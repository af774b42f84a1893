package engine

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// writeTemp writes data to a file of the test's and returns its path.
func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// contacts makes alice and bob accept each other.
func contacts(t *testing.T, a, b *Engine) {
	t.Helper()
	if _, err := a.StartConversation(b.SessionID()); err != nil {
		t.Fatal(err)
	}
	if _, err := b.StartConversation(a.SessionID()); err != nil {
		t.Fatal(err)
	}
}

// waitAttachments waits for the attachments of message ts to reach state on e.
func waitAttachments(t *testing.T, e *Engine, ts int64, state AttachmentState) []Attachment {
	t.Helper()
	ev := waitFor(t, e, "attachments "+state.String(), func(ev Event) bool {
		a, ok := ev.(AttachmentsChanged)
		if !ok || a.Timestamp != ts {
			return false
		}
		for _, x := range a.Attachments {
			if x.State != state {
				return false
			}
		}
		return true
	})
	return ev.(AttachmentsChanged).Attachments
}

// TestSendFiles sends two files with a caption to a contact: they are uploaded
// encrypted, the message is delivered, and the contact's engine fetches, checks and keeps
// both, the same bytes under the names they were sent with.
func TestSendFiles(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	contacts(t, alice, bob)
	doc := randomBytes(t, 300_000)
	note := []byte("a voice note")
	files := []File{{Path: writeTemp(t, "report.pdf", doc)}, {Path: writeTemp(t, "note.mp3", note), Voice: true}}
	m, err := alice.SendFiles(bob.SessionID(), "the report", files)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 2 || m.Attachments[0].State != AttachmentUploading || m.Attachments[0].ContentType != "application/pdf" {
		t.Fatalf("queued %+v", m.Attachments)
	}
	// Progress is told as the file goes, up to the whole.
	var ups []FileProgress
	waitFor(t, alice, "the upload's end", func(ev Event) bool {
		if p, ok := ev.(FileProgress); ok && p.Timestamp == m.Timestamp && p.Index == 0 {
			ups = append(ups, p)
			return p.Done == p.Total
		}
		return false
	})
	if n := len(ups); n < 2 || ups[0].Done >= ups[n-1].Done || ups[n-1].Total < int64(len(doc)) {
		t.Fatalf("upload progress %+v", ups)
	}
	waitAttachments(t, alice, m.Timestamp, AttachmentSent)
	for _, blob := range sw.files {
		if bytes.Contains(blob, doc[:64]) {
			t.Fatal("the file server holds the file in the clear")
		}
	}
	waitFor(t, bob, "the download's progress", func(ev Event) bool {
		p, ok := ev.(FileProgress)
		return ok && p.Timestamp == m.Timestamp && p.Author == alice.SessionID() && p.Done == p.Total && p.Total >= int64(len(doc))
	})
	got := waitAttachments(t, bob, m.Timestamp, AttachmentHere)
	for i, want := range [][]byte{doc, note} {
		b, err := ReadFile(got[i].Path)
		if err != nil || !bytes.Equal(b, want) {
			t.Fatalf("attachment %d: %d bytes, %v", i, len(b), err)
		}
	}
	if got[0].Name != "report.pdf" || !got[1].Voice || got[1].Name != "note.mp3" {
		t.Fatalf("received %+v", got)
	}
	ms, _ := bob.Messages(alice.SessionID(), 0, 0)
	if len(ms) != 1 || ms[0].Body != "the report" || len(ms[0].Attachments) != 2 {
		t.Fatalf("bob's messages %+v", ms)
	}
	// Deleting the message deletes its files.
	if err := bob.DeleteForMe(alice.SessionID(), alice.SessionID(), m.Timestamp); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(got[0].Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the file outlived its message: %v", err)
	}
}

// TestFileTooLarge: a file over the limit is refused before anything is copied or queued.
func TestFileTooLarge(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	big := writeTemp(t, "big.bin", nil)
	if err := os.Truncate(big, MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	_, err := alice.SendFiles(bob.SessionID(), "", []File{{Path: big}})
	var tl *FileTooLargeError
	if !errors.As(err, &tl) || tl.Limit != MaxFileSize || !errors.Is(err, ErrTooLong) {
		t.Fatalf("got %v", err)
	}
	if n, _ := alice.Waiting(); n != 0 {
		t.Fatalf("%d items queued", n)
	}
	if entries, _ := os.ReadDir(filepath.Join(alice.opts.Dir, filesDir)); len(entries) != 0 {
		t.Fatalf("%d files copied", len(entries))
	}
}

// TestUploadResumes: while the file server cannot be reached the upload waits in the
// outbox, and once it can, the message goes out; nothing points at a file that is not
// there.
func TestUploadResumes(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	contacts(t, alice, bob)
	sw.setDown(ErrUnreachable)
	m, err := alice.SendFiles(bob.SessionID(), "", []File{{Path: writeTemp(t, "a.txt", []byte("hello"))}})
	if err != nil {
		t.Fatal(err)
	}
	dir := alice.opts.Dir
	alice.Close()
	if len(sw.msgs[[33]byte(bob.SessionID())]) != 0 {
		t.Fatal("the message was stored before its file was uploaded")
	}
	sw.setDown(nil)
	alice = reopenMem(t, sw, dir, Options{})
	waitFor(t, alice, "sent", func(ev Event) bool {
		s, ok := ev.(MessageStatusChanged)
		return ok && s.Timestamp == m.Timestamp && s.State == Sent
	})
	got := waitAttachments(t, bob, m.Timestamp, AttachmentHere)
	if b, _ := ReadFile(got[0].Path); string(b) != "hello" {
		t.Fatalf("bob got %q", b)
	}
}

// TestReceivedFileChecks: a stranger's file waits until asked for; a tampered file is
// refused and not kept; a file the server no longer has says so.
func TestReceivedFileChecks(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	if _, err := alice.StartConversation(bob.SessionID()); err != nil {
		t.Fatal(err)
	}
	send := func(name string, data []byte) int64 {
		m, err := alice.SendFiles(bob.SessionID(), "", []File{{Path: writeTemp(t, name, data)}})
		if err != nil {
			t.Fatal(err)
		}
		waitAttachments(t, alice, m.Timestamp, AttachmentSent)
		waitFor(t, bob, "the message", func(ev Event) bool {
			r, ok := ev.(RequestReceived)
			return ok && r.Message.Timestamp == m.Timestamp
		})
		return m.Timestamp
	}
	// Bob has not accepted Alice: her file is offered, not fetched.
	ts := send("a.txt", []byte("from a stranger"))
	ms, _ := bob.Messages(alice.SessionID(), 0, 0)
	if len(ms) != 1 || ms[0].Attachments[0].State != AttachmentOffered || ms[0].Attachments[0].Path != "" {
		t.Fatalf("a stranger's file: %+v", ms)
	}
	if err := bob.Download(alice.SessionID(), alice.SessionID(), ts, 0); err != nil {
		t.Fatal(err)
	}
	waitAttachments(t, bob, ts, AttachmentHere)

	// Tampered on the server: refused, nothing written.
	sw.mu.Lock()
	clear(sw.files)
	sw.mu.Unlock()
	ts = send("b.txt", []byte("tampered with"))
	sw.mu.Lock()
	for _, b := range sw.files {
		b[len(b)-1] ^= 1
	}
	sw.mu.Unlock()
	if err := bob.Download(alice.SessionID(), alice.SessionID(), ts, 0); err != nil {
		t.Fatal(err)
	}
	got := waitAttachments(t, bob, ts, AttachmentFailed)
	if got[0].Path != "" {
		t.Fatalf("a tampered file was kept at %s", got[0].Path)
	}

	// Gone from the server: expired.
	ts = send("c.txt", []byte("gone"))
	sw.mu.Lock()
	clear(sw.files)
	sw.mu.Unlock()
	bob.Download(alice.SessionID(), alice.SessionID(), ts, 0)
	waitAttachments(t, bob, ts, AttachmentExpired)
}

// TestOwnDeviceFiles: files sent from one device of an account reach its other device
// with the sent copy, and are fetched there without being asked for.
func TestOwnDeviceFiles(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	contacts(t, alice, bob)
	dir := t.TempDir()
	if _, err := Restore(dir, "", alice.Phrase(), "Alice"); err != nil {
		t.Fatal(err)
	}
	laptop := reopenMem(t, sw, dir, Options{})
	pic := randomBytes(t, 40_000)
	m, err := alice.SendFiles(bob.SessionID(), "from my phone", []File{{Path: writeTemp(t, "trip.bin", pic)}})
	if err != nil {
		t.Fatal(err)
	}
	got := waitAttachments(t, laptop, m.Timestamp, AttachmentHere)
	if b, err := ReadFile(got[0].Path); err != nil || !bytes.Equal(b, pic) {
		t.Fatalf("the other device's copy: %d bytes, %v", len(b), err)
	}
	ms, _ := laptop.Messages(bob.SessionID(), 0, 0)
	if len(ms) != 1 || ms[0].Body != "from my phone" || ms[0].Direction != Outgoing || len(ms[0].Attachments) != 1 {
		t.Fatalf("the other device's messages %+v", ms)
	}
}

// TestAcceptFetchesFiles: a request's files wait; accepting it fetches them as a
// contact's are.
func TestAcceptFetchesFiles(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	if _, err := alice.StartConversation(bob.SessionID()); err != nil {
		t.Fatal(err)
	}
	data := randomBytes(t, 5_000)
	m, err := alice.SendFiles(bob.SessionID(), "hello", []File{{Path: writeTemp(t, "hello.bin", data)}})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, bob, "the request", func(ev Event) bool {
		r, ok := ev.(RequestReceived)
		return ok && r.Message.Timestamp == m.Timestamp
	})
	if ms, _ := bob.Messages(alice.SessionID(), 0, 0); len(ms) != 1 || ms[0].Attachments[0].State != AttachmentOffered {
		t.Fatalf("before accepting: %+v", ms)
	}
	if err := bob.Accept(alice.SessionID()); err != nil {
		t.Fatal(err)
	}
	got := waitAttachments(t, bob, m.Timestamp, AttachmentHere)
	if b, err := ReadFile(got[0].Path); err != nil || !bytes.Equal(b, data) {
		t.Fatalf("after accepting: %d bytes, %v", len(b), err)
	}
}

// TestPictureSizeShown: a photo's width and height in its pointer are those it is shown
// at, so a photo its camera recorded on its side (testdata/sideways.jpg: 40×20 stored,
// Exif orientation 6) is announced 20×40, as browsers and Session's clients show it.
func TestPictureSizeShown(t *testing.T) {
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{})
	bob := openMem(t, sw, "Bob", Options{})
	contacts(t, alice, bob)
	photo, err := os.ReadFile(filepath.Join("testdata", "sideways.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := alice.SendFiles(bob.SessionID(), "", []File{{Path: writeTemp(t, "sideways.jpg", photo)}, {Path: writeTemp(t, "empty.png", []byte{0})}})
	if err != nil {
		t.Fatal(err)
	}
	if a := m.Attachments; a[0].Width != 20 || a[0].Height != 40 || a[1].Width != 0 || a[1].Height != 0 {
		t.Fatalf("announced %d×%d and %d×%d, want 20×40 and none", a[0].Width, a[0].Height, a[1].Width, a[1].Height)
	}
}
