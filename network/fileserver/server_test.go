package fileserver_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"allium/crypto"
	"allium/network"
	"allium/network/fileserver"
)

// clock is a settable clock for expiry tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func start(t *testing.T, dir string, mod func(*fileserver.Config)) *fileserver.Server {
	t.Helper()
	cfg := fileserver.Config{Listen: "127.0.0.1:0", DataDir: dir, RateLimit: -1}
	if mod != nil {
		mod(&cfg)
	}
	s, err := fileserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return s
}

func base(s *fileserver.Server) string { return "http://" + s.Addr().String() }

// do sends a request straight to the server, as Session's server may be reached.
func do(t *testing.T, method, url string, body []byte, h map[string]string) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// v4 sends r to the server as the last node of a one-node path would: the client
// builds the onion, the node peels its layer and posts the rest to /oxen/v4/lsrpc.
func v4(t *testing.T, s *fileserver.Server, enc crypto.EncType, r network.V4Request) network.V4Response {
	t.Helper()
	nodeKey, err := crypto.GenerateX25519(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srv := network.ServerHop{Host: "127.0.0.1", Port: s.Addr().Port(), Protocol: "http", X25519: s.X25519()}
	req, err := network.BuildV4Onion(rand.Reader, enc, []network.OnionHop{{X25519: nodeKey.Public}}, srv, r)
	if err != nil {
		t.Fatal(err)
	}
	edge, err := network.ParseOnionEdge(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	l, err := network.PeelOnion(&nodeKey, edge.EncType, edge.EphemeralKey, edge.Ciphertext)
	if err != nil {
		t.Fatal(err)
	}
	status, _, body := do(t, http.MethodPost, base(s)+network.V4Target, l.Inner, nil)
	if status != http.StatusOK {
		t.Fatalf("v4: %d %s", status, body)
	}
	resp, err := network.OpenV4Response(&req.Key, body)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestAPI runs every endpoint directly and through onion requests v4 of both
// encryption types: a bare upload (no Content-Type or Content-Disposition, as older
// Session clients send), its download, info and extension, and Session's answers to
// what is missing or too large.
func TestAPI(t *testing.T) {
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	s := start(t, t.TempDir(), func(c *fileserver.Config) { c.Clock = clk.now })
	data := bytes.Repeat([]byte("attachment"), 1000)

	type answer struct {
		status int
		body   []byte
	}
	direct := func(method, endpoint string, body []byte, h map[string]string) answer {
		st, _, b := do(t, method, base(s)+endpoint, body, h)
		return answer{st, b}
	}
	onion := func(enc crypto.EncType) func(string, string, []byte, map[string]string) answer {
		return func(method, endpoint string, body []byte, h map[string]string) answer {
			r := v4(t, s, enc, network.V4Request{Method: method, Endpoint: endpoint, Headers: h, Body: body})
			return answer{r.Status, r.Body}
		}
	}
	for _, way := range []struct {
		name string
		do   func(string, string, []byte, map[string]string) answer
	}{{"direct", direct}, {"aes-gcm", onion(crypto.AESGCM)}, {"xchacha20", onion(crypto.XChaCha20)}} {
		t.Run(way.name, func(t *testing.T) {
			a := way.do("POST", "/file", data, nil)
			if a.status != 200 {
				t.Fatalf("upload: %d %s", a.status, a.body)
			}
			var raw map[string]any
			if err := json.Unmarshal(a.body, &raw); err != nil || len(raw) != 2 {
				t.Fatalf("upload answered %s, want {id, expires}", a.body)
			}
			u, err := network.ParseUploadReply(a.body)
			if err != nil {
				t.Fatal(err)
			}
			if len(u.ID) > 16 || !u.Expires.Equal(clk.now().Add(fileserver.DefaultTTL*time.Second)) {
				t.Fatalf("upload: %+v, want a decimal id expiring in three weeks", u)
			}
			if a := way.do("GET", "/file/"+u.ID, nil, nil); a.status != 200 || !bytes.Equal(a.body, data) {
				t.Fatalf("download: %d, %d bytes", a.status, len(a.body))
			}
			a = way.do("GET", "/file/"+u.ID+"/info", nil, nil)
			fi, err := network.ParseFileInfo(a.body)
			if a.status != 200 || err != nil || fi.Size != int64(len(data)) || !fi.Uploaded.Equal(clk.now()) {
				t.Fatalf("info: %d %s %v", a.status, a.body, err)
			}
			clk.add(time.Hour)
			a = way.do("POST", "/file/"+u.ID+"/extend", nil, nil)
			fi, err = network.ParseFileInfo(a.body)
			if a.status != 200 || err != nil || !fi.Expires.Equal(clk.now().Add(fileserver.DefaultTTL*time.Second)) {
				t.Fatalf("extend: %d %s %v", a.status, a.body, err)
			}
			// A shorter time asked for leaves the file's lifetime as it is.
			a = way.do("POST", "/file/"+u.ID+"/extend", nil, map[string]string{"X-FS-TTL": "3600"})
			if short, err := network.ParseFileInfo(a.body); a.status != 200 || err != nil || !short.Expires.Equal(fi.Expires) {
				t.Fatalf("extend by an hour: %d %s %v, want it to stay %v", a.status, a.body, err, fi.Expires)
			}
			// With a TTL asked for at upload, which an extend lengthens.
			a = way.do("POST", "/file", []byte("x"), map[string]string{"x-fs-ttl": "120"})
			u2, err := network.ParseUploadReply(a.body)
			if err != nil || !u2.Expires.Equal(clk.now().Add(2*time.Minute)) {
				t.Fatalf("upload with a TTL: %s %v", a.body, err)
			}
			a = way.do("POST", "/file/"+u2.ID+"/extend", nil, map[string]string{"X-FS-TTL": "3600"})
			if long, err := network.ParseFileInfo(a.body); a.status != 200 || err != nil || !long.Expires.Equal(clk.now().Add(time.Hour)) {
				t.Fatalf("extend of a two-minute file by an hour: %d %s %v", a.status, a.body, err)
			}
			for _, c := range []struct {
				name, method, endpoint string
				body                   []byte
				h                      map[string]string
				status                 int
			}{
				{"unknown id", "GET", "/file/12345", nil, nil, 404},
				{"unknown id info", "GET", "/file/12345/info", nil, nil, 404},
				{"unknown id extend", "POST", "/file/12345/extend", nil, nil, 404},
				{"not an id", "GET", "/file/..%2f..%2fetc", nil, nil, 404},
				{"empty upload", "POST", "/file", []byte{}, nil, 413},
				{"too large", "POST", "/file", make([]byte, network.MaxFileSize+1), nil, 413},
				{"bad ttl", "POST", "/file", []byte("x"), map[string]string{"X-FS-TTL": "soon"}, 400},
				{"unknown endpoint", "GET", "/room/x", nil, nil, 404},
				{"wrong method", "GET", "/file", nil, nil, 405},
			} {
				a := way.do(c.method, c.endpoint, c.body, c.h)
				if a.status != c.status || string(a.body) != `{"status_code":`+itoa(c.status)+`}` {
					t.Errorf("%s: %d %s, want %d", c.name, a.status, a.body, c.status)
				}
			}
		})
	}
}

func itoa(n int) string { return strings.TrimSpace(string(must(json.Marshal(n)))) }

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// TestLargestFile stores and fetches a file of network.MaxFileSize bytes through an
// onion request v4.
func TestLargestFile(t *testing.T) {
	s := start(t, t.TempDir(), nil)
	data := make([]byte, network.MaxFileSize)
	rand.Read(data)
	r := v4(t, s, crypto.AESGCM, network.V4Request{Method: "POST", Endpoint: "/file", Body: data})
	u, err := network.ParseUploadReply(r.Body)
	if r.Status != 200 || err != nil {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	r = v4(t, s, crypto.AESGCM, network.V4Request{Method: "GET", Endpoint: "/file/" + u.ID})
	if r.Status != 200 || !bytes.Equal(r.Body, data) || r.Headers["expires"] == "" {
		t.Fatalf("download: %d, %d bytes, headers %v", r.Status, len(r.Body), r.Headers)
	}
}

// TestExpiryAndRestart checks that the sweeper removes expired files from disk, that
// an expired file is gone before it is swept, and that files outlive a restart.
func TestExpiryAndRestart(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	s := start(t, dir, func(c *fileserver.Config) { c.Clock = clk.now })
	upload := func(s *fileserver.Server, body, ttl string) string {
		st, _, b := do(t, "POST", base(s)+"/file", []byte(body), map[string]string{"X-FS-TTL": ttl})
		u, err := network.ParseUploadReply(b)
		if st != 200 || err != nil {
			t.Fatalf("upload: %d %s", st, b)
		}
		return u.ID
	}
	short, long := upload(s, "short", "60"), upload(s, "long", "3600")
	clk.add(2 * time.Minute)
	if st, _, _ := do(t, "GET", base(s)+"/file/"+short, nil, nil); st != 404 {
		t.Fatalf("an expired file: %d", st)
	}
	if n := s.Sweep(); n != 1 {
		t.Fatalf("swept %d files, want 1", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "files", short)); !os.IsNotExist(err) {
		t.Fatalf("the expired file is still on disk: %v", err)
	}
	s.Shutdown(context.Background())

	again := start(t, dir, func(c *fileserver.Config) { c.Clock = clk.now })
	if again.X25519() != s.X25519() {
		t.Fatal("the key changed over a restart")
	}
	if st, _, b := do(t, "GET", base(again)+"/file/"+long, nil, nil); st != 200 || string(b) != "long" {
		t.Fatalf("after a restart: %d %q", st, b)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "files"))
	if len(entries) != 2 {
		t.Fatalf("files dir holds %d entries, want the file and its record", len(entries))
	}
}

// TestHashIDs checks content-hash ids: 44 characters, the same for the same bytes (an
// upload of a file stored before renews it), different for others.
func TestHashIDs(t *testing.T) {
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	s := start(t, t.TempDir(), func(c *fileserver.Config) { c.IDs = fileserver.IDsHash; c.Clock = clk.now })
	up := func(body string) network.UploadReply {
		_, _, b := do(t, "POST", base(s)+"/file", []byte(body), nil)
		u, err := network.ParseUploadReply(b)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	a := up("same")
	clk.add(time.Hour)
	b, c := up("same"), up("other")
	if len(a.ID) != 44 || a.ID != b.ID || a.ID == c.ID || !b.Expires.After(a.Expires) {
		t.Fatalf("ids %+v %+v %+v", a, b, c)
	}
	if st, _, body := do(t, "GET", base(s)+"/file/"+a.ID, nil, nil); st != 200 || string(body) != "same" {
		t.Fatalf("download: %d %q", st, body)
	}
}

// TestLimits checks the per-source rate limit and the disk and file-count ceilings.
func TestLimits(t *testing.T) {
	s := start(t, t.TempDir(), func(c *fileserver.Config) { c.RateLimit, c.RateBurst = 0.001, 3 })
	var codes []int
	for range 5 {
		st, _, _ := do(t, "GET", base(s)+"/file/1/info", nil, nil)
		codes = append(codes, st)
	}
	if codes[2] != 404 || codes[3] != 429 || codes[4] != 429 {
		t.Fatalf("codes %v: want three answers, then 429", codes)
	}

	full := start(t, t.TempDir(), func(c *fileserver.Config) { c.MaxFiles = 1 })
	if st, _, _ := do(t, "POST", base(full)+"/file", []byte("one"), nil); st != 200 {
		t.Fatalf("first upload: %d", st)
	}
	if st, _, b := do(t, "POST", base(full)+"/file", []byte("two"), nil); st != 507 || string(b) != `{"status_code":507}` {
		t.Fatalf("upload past max_files: %d %s", st, b)
	}
}

// TestBadOnion checks what a last node gets for a request that is not for this server.
func TestBadOnion(t *testing.T) {
	s := start(t, t.TempDir(), nil)
	for _, body := range [][]byte{nil, []byte("junk"), network.AppendOnionPayload(nil, make([]byte, 64), []byte(`{"ephemeral_key":"`+strings.Repeat("11", 32)+`"}`))} {
		if st, _, _ := do(t, "POST", base(s)+network.V4Target, body, nil); st != 400 {
			t.Errorf("%q: %d, want 400", body, st)
		}
	}
}
