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
	// Progress: the bytes that cross the link to the path, in order, to the whole
	// onion request (the file, sealed in its layers, is a little larger than the file).
	var up, down progressLog
	id, _, err = c.Upload(client.WithProgress(ctx(t), client.Progress{Up: up.add}), srv, big, 0)
	if err != nil {
		t.Fatalf("the largest file: %v", err)
	}
	if got, err := c.Download(client.WithProgress(ctx(t), client.Progress{Down: down.add}), srv, id); err != nil || !bytes.Equal(got, big) {
		t.Fatalf("the largest file back: %d bytes, %v", len(got), err)
	}
	up.check(t, "upload", len(big))
	down.check(t, "download", len(big))

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

// progressLog keeps the reports of one request's progress.
type progressLog struct{ done, total []int64 }

func (p *progressLog) add(done, total int64) {
	p.done, p.total = append(p.done, done), append(p.total, total)
}

// check: several reports, rising, of one total a little over size, ending at it.
func (p *progressLog) check(t *testing.T, what string, size int) {
	t.Helper()
	n := len(p.done)
	if n < 10 {
		t.Fatalf("%s: %d progress reports", what, n)
	}
	total := p.total[0]
	if total < int64(size) || total > int64(size)+64<<10 || p.done[n-1] != total {
		t.Fatalf("%s: ended at %d of %d for a %d-byte file", what, p.done[n-1], total, size)
	}
	for i := 1; i < n; i++ {
		if p.done[i] <= p.done[i-1] || p.total[i] != total {
			t.Fatalf("%s: report %d is %d of %d after %d", what, i, p.done[i], p.total[i], p.done[i-1])
		}
	}
}
