package fileserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"allium/crypto"
	"allium/network"
	"allium/network/ratelimit"
)

const (
	// maxOnionBody bounds what a last node may post: an onion request v4 carrying the
	// largest file, its meta and the layer's framing.
	maxOnionBody = network.MaxFileSize + 64<<10
	// maxSmallBody bounds a direct request that carries no file.
	maxSmallBody = 64 << 10
	// Timeouts: a 10 MB upload on a slow link takes a while, but not minutes.
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 30 * time.Second
)

// Server is a running file server.
type Server struct {
	cfg   Config
	keys  *keys
	store *store
	lim   *ratelimit.Limiter
	mem   *memPool
	bufs  *bufPool

	ln  net.Listener
	srv *http.Server

	stop     chan struct{}
	wg       sync.WaitGroup
	shutOnce sync.Once
	shutErr  error
}

// New opens (or creates) the file server's key and files in cfg.DataDir, listens on
// cfg.Listener or cfg.Listen, and starts serving and sweeping expired files.
func New(cfg Config) (*Server, error) {
	if err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("fileserver: data dir: %w", err)
	}
	k, err := loadOrCreateKeys(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	st, err := openStore(filepath.Join(cfg.DataDir, "files"), cfg.IDs == IDsHash, int64(cfg.MaxDisk)<<20, cfg.MaxFiles, cfg.Clock())
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, keys: k, store: st, lim: ratelimit.New(cfg.RateLimit, cfg.RateBurst),
		mem: &memPool{limit: int64(cfg.MaxMemory) << 20}, bufs: newBufPool(maxOnionBody, int64(cfg.MaxMemory)<<20),
		stop: make(chan struct{})}
	s.ln = cfg.Listener
	if s.ln == nil {
		if cfg.Listen == "" {
			return nil, errors.New("fileserver: no listen address")
		}
		if s.ln, err = net.Listen("tcp", cfg.Listen); err != nil {
			return nil, fmt.Errorf("fileserver: listen: %w", err)
		}
	}
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    16 << 10,
	}
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.Logger.Error("file server", "err", err)
		}
	}()
	go func() { defer s.wg.Done(); s.sweepLoop() }()
	// The keys are public: the operator copies them into the network file.
	s.cfg.Logger.Info("file server started", "listen", s.ln.Addr().String(), "files", len(st.files), "ids", cfg.IDs,
		"ed25519", hex.EncodeToString(k.ed25519[:]), "x25519", hex.EncodeToString(k.x25519.Public[:]))
	return s, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() netip.AddrPort { return s.ln.Addr().(*net.TCPAddr).AddrPort() }

// Ed25519 returns the server's Ed25519 public key.
func (s *Server) Ed25519() [32]byte { return s.keys.ed25519 }

// X25519 returns the server's X25519 public key, to which onion requests are encrypted.
func (s *Server) X25519() [32]byte { return s.keys.x25519.Public }

// Shutdown stops accepting requests, waits for those in flight (until ctx ends) and
// for the sweeper. It is safe to call more than once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutOnce.Do(func() {
		err := s.srv.Shutdown(ctx)
		if err != nil {
			s.srv.Close()
		}
		close(s.stop)
		s.wg.Wait()
		s.shutErr = err
		s.cfg.Logger.Info("file server stopped")
	})
	return s.shutErr
}

func (s *Server) sweepLoop() {
	t := time.NewTicker(s.cfg.SweepInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			now := s.cfg.Clock()
			if n := s.store.sweep(now); n > 0 {
				s.cfg.Logger.Debug("expired files removed", "count", n)
			}
			s.lim.Forget(now)
		}
	}
}

// Sweep removes the files that have expired now (tests; the sweeper does it every
// SweepInterval) and returns how many.
func (s *Server) Sweep() int { return s.store.sweep(s.cfg.Clock()) }

// ServeHTTP answers onion requests v4 at /oxen/v4/lsrpc and the file-server API
// directly. Every request first passes the per-source rate limit.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil && !s.lim.Allow(ap.Addr(), s.cfg.Clock()) {
		writeReply(w, statusReply(http.StatusTooManyRequests))
		return
	}
	if r.URL.Path == network.V4Target {
		if r.Method != http.MethodPost {
			writeReply(w, statusReply(http.StatusMethodNotAllowed))
			return
		}
		s.serveOnion(w, r)
		return
	}
	rt, ok := parseEndpoint(r.Method, r.URL.Path)
	if !ok {
		writeReply(w, rt.reply)
		return
	}
	body := io.Reader(http.MaxBytesReader(w, r.Body, maxSmallBody))
	if rt.op == opUpload {
		// Straight from the connection to the disk.
		body = http.MaxBytesReader(w, r.Body, network.MaxFileSize+1)
	}
	rep := s.handle(rt, r.Header.Get(network.FileTTLHeader), body)
	if rep.file != nil {
		defer rep.file.Close()
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(rep.entry.size, 10))
		w.Header().Set("Expires", rep.entry.expires.UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusOK)
		io.Copy(w, rep.file)
		return
	}
	writeReply(w, rep)
}

// serveOnion opens an onion request v4, answers the request inside and seals the
// answer. The request is read into one buffer of its announced length, reserved
// against max_memory first, and decrypted in place.
func (s *Server) serveOnion(w http.ResponseWriter, r *http.Request) {
	n := r.ContentLength
	if n > maxOnionBody {
		http.Error(w, "Request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if n < 0 {
		n = maxOnionBody
	}
	if !s.mem.take(n) {
		http.Error(w, "Server busy, try again later", http.StatusServiceUnavailable)
		return
	}
	held := n
	defer func() { s.mem.give(held) }()
	body, err := s.readBody(http.MaxBytesReader(w, r.Body, maxOnionBody), r.ContentLength)
	// The buffer goes back to the pool once the answer is written: the plaintext,
	// and so the request's headers, live in it until then.
	defer func() { s.bufs.put(body) }()
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "Request body too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "Could not read request body", http.StatusBadRequest)
		}
		return
	}
	plain, key, err := network.OpenServerLayer(&s.keys.x25519, body)
	if err != nil {
		http.Error(w, "Invalid ciphertext", http.StatusBadRequest)
		return
	}
	var rep reply
	req, err := network.ParseV4Request(plain)
	if err != nil {
		rep = statusReply(http.StatusBadRequest)
	} else if rt, ok := parseEndpoint(req.Method, req.Endpoint); !ok {
		rep = rt.reply
	} else {
		rep = s.handle(rt, header(req.Headers, network.FileTTLHeader), bytes.NewReader(req.Body))
	}
	var out []byte
	if rep.file != nil {
		defer rep.file.Close()
		// The download's buffer replaces the upload's in the reservation.
		if more := rep.entry.size + 4<<10 - held; more > 0 {
			if !s.mem.take(more) {
				s.sealAndWrite(w, &key, statusReply(http.StatusServiceUnavailable))
				return
			}
			held += more
		}
		h := map[string]string{"content-type": "application/octet-stream",
			"expires": rep.entry.expires.UTC().Format(http.TimeFormat)}
		buf := s.bufs.get(maxOnionBody)
		defer func() { s.bufs.put(buf) }()
		out, err = network.SealV4ResponseFrom(rand.Reader, &key, buf[:0], http.StatusOK, h, rep.file, int(rep.entry.size))
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		writeRaw(w, out)
		return
	}
	s.sealAndWrite(w, &key, rep)
}

func (s *Server) sealAndWrite(w http.ResponseWriter, key *crypto.HopKey, rep reply) {
	out, err := network.SealV4Response(rand.Reader, key, network.V4Response{Status: rep.status,
		Headers: map[string]string{"content-type": "application/json"}, Body: rep.body})
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeRaw(w, out)
}

// writeRaw writes an encrypted answer with its length, so the last node reads it into
// one buffer.
func writeRaw(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

func writeReply(w http.ResponseWriter, rep reply) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
	w.Write(rep.body)
}

// header looks a header up in a v4 request's headers, whose names clients spell as
// they like.
func header(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// readBody reads a body of announced length n (or unknown, -1) into one buffer.
func (s *Server) readBody(r io.Reader, n int64) ([]byte, error) {
	if n < 0 {
		return io.ReadAll(r)
	}
	buf := s.bufs.get(int(n))
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// Operations of the API.
const (
	opUpload = iota + 1
	opDownload
	opExtend
	opInfo
)

// route is a request of the API: what to do, to which file. When the endpoint names no
// operation, reply is the answer.
type route struct {
	op    int
	id    string
	reply reply
}

// parseEndpoint reads a request's method and endpoint (its query ignored). An id that
// has neither form a file server hands out is a file that does not exist.
func parseEndpoint(method, endpoint string) (route, bool) {
	path, _, _ := strings.Cut(endpoint, "?")
	rest, ok := strings.CutPrefix(path, "/file")
	if !ok {
		return route{reply: statusReply(http.StatusNotFound)}, false
	}
	var rt route
	want := http.MethodGet
	switch {
	case rest == "":
		rt.op, want = opUpload, http.MethodPost
	case rest[0] == '/':
		id, suffix, _ := strings.Cut(rest[1:], "/")
		rt.id = id
		switch suffix {
		case "":
			rt.op = opDownload
			if id == "" {
				return route{reply: statusReply(http.StatusNotFound)}, false
			}
		case "extend":
			rt.op, want = opExtend, http.MethodPost
		case "info":
			rt.op = opInfo
		default:
			return route{reply: statusReply(http.StatusNotFound)}, false
		}
		if !network.ValidFileID(id) {
			return route{reply: statusReply(http.StatusNotFound)}, false
		}
	default:
		return route{reply: statusReply(http.StatusNotFound)}, false
	}
	if method != want {
		return route{reply: statusReply(http.StatusMethodNotAllowed)}, false
	}
	return rt, true
}

// parseTTL reads X-FS-TTL: whole seconds, clamped to [minTTL, max]; empty asks for max.
func parseTTL(v string, maxTTL int) (time.Duration, bool) {
	if v == "" {
		return time.Duration(maxTTL) * time.Second, true
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return time.Duration(min(max(n, minTTL), int64(maxTTL))) * time.Second, true
}

// reply is an answer of the API: a JSON body with its status, or a file to send.
type reply struct {
	status int
	body   []byte
	file   interface {
		io.Reader
		Close() error
	}
	entry entry
}

// statusReply is Session's server's error answer: {"status_code": N} with status N.
func statusReply(status int) reply {
	return reply{status: status, body: []byte(`{"status_code":` + strconv.Itoa(status) + `}`)}
}

func jsonReply(v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		return statusReply(http.StatusInternalServerError)
	}
	return reply{status: http.StatusOK, body: b}
}

// handle runs an operation; body is an upload's bytes.
func (s *Server) handle(rt route, ttlHeader string, body io.Reader) reply {
	now := s.cfg.Clock()
	switch rt.op {
	case opUpload, opExtend:
		ttl, ok := parseTTL(ttlHeader, s.cfg.TTL)
		if !ok {
			return statusReply(http.StatusBadRequest)
		}
		if rt.op == opExtend {
			e, err := s.store.extend(rt.id, now, ttl)
			if err != nil {
				return s.errReply(err)
			}
			return jsonReply(e.info())
		}
		id, e, err := s.store.put(body, now, ttl)
		if err != nil {
			return s.errReply(err)
		}
		s.cfg.Logger.Debug("file stored", "id", id, "size", e.size)
		return jsonReply(network.UploadReply{ID: id, Expires: e.expires})
	case opInfo:
		e, err := s.store.get(rt.id, now)
		if err != nil {
			return s.errReply(err)
		}
		return jsonReply(e.info())
	default:
		f, e, err := s.store.open(rt.id, now)
		if err != nil {
			return s.errReply(err)
		}
		return reply{status: http.StatusOK, file: f, entry: e}
	}
}

func (s *Server) errReply(err error) reply {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, errNotFound):
		return statusReply(http.StatusNotFound)
	case errors.Is(err, errTooLarge), errors.As(err, &tooBig):
		return statusReply(http.StatusRequestEntityTooLarge)
	case errors.Is(err, errFull):
		s.cfg.Logger.Warn("file server full: uploads refused (max_disk, max_files)")
		return statusReply(http.StatusInsufficientStorage)
	}
	s.cfg.Logger.Error("file server", "err", err)
	return statusReply(http.StatusInternalServerError)
}
