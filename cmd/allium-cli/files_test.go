package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"allium/network/testnet/testnettest"
)

// TestFiles sends a picture and a document through a testnet and its file server, and
// receives them into a directory with receive --save.
func TestFiles(t *testing.T) {
	r := buildCLI(t)
	tn := testnettest.Start(t, 9, 3)
	dir := t.TempDir()
	alice, bob := filepath.Join(dir, "alice"), filepath.Join(dir, "bob")
	net := tn.NetworkFile()
	aliceID := r.ok("--profile", alice, "--network", net, "create", "--name", "Alice")
	bobID := r.ok("--profile", bob, "--network", net, "create", "--name", "Bob")
	r.ok("--profile", bob, "send", aliceID, "hello") // Bob accepts Alice by writing first

	doc := make([]byte, 2_000_000)
	rand.Read(doc)
	docPath := filepath.Join(dir, "report.bin")
	os.WriteFile(docPath, doc, 0o600)
	notePath := filepath.Join(dir, "notes.txt")
	os.WriteFile(notePath, []byte("meet at noon"), 0o600)
	r.ok("--profile", alice, "send", "--file", docPath, "--file", notePath, bobID, "two files")
	r.ok("--profile", alice, "send", "--file", notePath, bobID)

	saved := filepath.Join(dir, "saved")
	out := r.ok("--profile", bob, "receive", "--save", saved)
	var lines []received
	for _, l := range strings.Split(out, "\n") {
		var m received
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	// A message is printed once its files are here, so the small one may come first.
	if len(lines) == 2 && lines[1].Text == "two files" {
		lines[0], lines[1] = lines[1], lines[0]
	}
	if len(lines) != 2 || lines[0].Text != "two files" || len(lines[0].Attachments) != 2 || len(lines[1].Attachments) != 1 {
		t.Fatalf("received %+v", lines)
	}
	for i, want := range [][]byte{doc, []byte("meet at noon")} {
		a := lines[0].Attachments[i]
		got, err := os.ReadFile(a.Path)
		if err != nil || !bytes.Equal(got, want) || a.State != "here" || filepath.Dir(a.Path) != saved || !strings.HasPrefix(filepath.Base(a.Path), strings.TrimSuffix(a.Name, filepath.Ext(a.Name))) {
			t.Fatalf("attachment %d %+v: %d bytes, %v", i, a, len(got), err)
		}
	}
	if a, b := lines[1].Attachments[0], lines[0].Attachments[1]; a.Name != "notes.txt" || a.Path == b.Path {
		t.Fatalf("two files of the same name saved as %q and %q", a.Path, b.Path)
	}

	// A voice message goes as Session Desktop sends one; anything but MP3 is refused.
	r.ok("--profile", alice, "send", "--voice", filepath.Join("testdata", "voice.mp3"), bobID)
	var voice received
	if err := json.Unmarshal([]byte(r.ok("--profile", bob, "receive")), &voice); err != nil {
		t.Fatal(err)
	}
	if len(voice.Attachments) != 1 || !voice.Attachments[0].Voice || voice.Attachments[0].Name != "session-audio-message" || voice.Attachments[0].ContentType != "audio/mp3" {
		t.Fatalf("voice message received as %+v", voice)
	}
	r.fails(1, "That file is not an MP3 recording, so it can't be sent as a voice message.",
		"--profile", alice, "send", "--voice", notePath, bobID)
	r.fails(2, "send --voice FILE.mp3 takes only the Session ID",
		"--profile", alice, "send", "--voice", notePath, bobID, "a caption")

	// A file over the limit is refused at once, with the limit.
	big := filepath.Join(dir, "big.bin")
	os.WriteFile(big, nil, 0o600)
	os.Truncate(big, 10_000_001)
	r.fails(1, "big.bin is too large: it has 10000001 bytes and can have at most 10000000 (10 MB).",
		"--profile", alice, "send", "--file", big, bobID)
	r.fails(1, "Can't read the file "+filepath.Join(dir, "missing")+": there is no such file.",
		"--profile", alice, "send", "--file", filepath.Join(dir, "missing"), bobID)

	// A profile picture: a picture is taken, anything else refused.
	pic := filepath.Join(dir, "me.gif")
	os.WriteFile(pic, []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), 0o600)
	r.ok("--profile", alice, "avatar", pic)
	r.fails(1, "That file is not a picture Allium can use", "--profile", alice, "avatar", notePath)
	r.ok("--profile", alice, "avatar", "--remove")
}
