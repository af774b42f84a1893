package client_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"net/http"
	"testing"
	"time"

	"allium/network"
	"allium/network/client"
)

// fileServer returns the test network's file server, as a client finds it: in the
// network file.
func fileServer(t *testing.T, networkFile string) client.Server {
	t.Helper()
	f, err := network.LoadNetworkFile(networkFile)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := client.FileServer(f)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// TestFiles uploads, downloads, inspects and extends files on the testnet's file server
// through onion paths, the largest file it takes included, and checks the errors a
// caller tells apart.
func TestFiles(t *testing.T) {
	tn, c := start(t)
	srv := fileServer(t, tn.NetworkFile())

	id, expires, err := c.Upload(ctx(t), srv, []byte("a small file"), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !network.ValidFileID(id) || len(id) > 16 || expires.Before(time.Now().Add(59*time.Minute)) || expires.After(time.Now().Add(61*time.Minute)) {
		t.Fatalf("upload: id %q, expires %v", id, expires)
	}
	got, err := c.Download(ctx(t), srv, id)
	if err != nil || string(got) != "a small file" {
		t.Fatalf("download: %q, %v", got, err)
	}
	fi, err := c.FileInfo(ctx(t), srv, id)
	if err != nil || fi.Size != 12 {
		t.Fatalf("info: %+v, %v", fi, err)
	}
	ext, err := c.Extend(ctx(t), srv, id, 2*time.Hour)
	if err != nil || !ext.Expires.After(fi.Expires) {
		t.Fatalf("extend: %+v, %v", ext, err)
	}

	big := make([]byte, network.MaxFileSize)
	rand.Read(big)
	id, _, err = c.Upload(ctx(t), srv, big, 0)
	if err != nil {
		t.Fatalf("the largest file: %v", err)
	}
	if got, err := c.Download(ctx(t), srv, id); err != nil || !bytes.Equal(got, big) {
		t.Fatalf("the largest file back: %d bytes, %v", len(got), err)
	}

	if _, err := c.Download(ctx(t), srv, "12345"); !errors.Is(err, client.ErrFileNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	if _, err := c.Extend(ctx(t), srv, "12345", 0); !errors.Is(err, client.ErrFileNotFound) {
		t.Fatalf("extend an unknown id: %v", err)
	}
	if _, _, err := c.Upload(ctx(t), srv, make([]byte, network.MaxFileSize+1), 0); !errors.Is(err, client.ErrFileTooLarge) {
		t.Fatalf("too large: %v", err)
	}
	// The server's own refusal, past the client's check.
	resp, err := c.Do(ctx(t), srv, client.Request{Method: http.MethodPost, Endpoint: "/file", Body: []byte{}})
	if err != nil || resp.Status != http.StatusRequestEntityTooLarge || string(resp.Body) != `{"status_code":413}` {
		t.Fatalf("empty upload: %+v, %v", resp, err)
	}
}
