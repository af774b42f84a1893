package engine

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"google.golang.org/protobuf/proto"

	"allium/engine/sessionpb"
	"allium/network/client/proxytest"
)

// pngOf is a w×h picture, encoded.
func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pageSite is an HTTPS site on 127.0.0.1 with pages for previews; it counts the
// requests it answers.
type pageSite struct {
	*httptest.Server
	requests atomic.Int64
}

func newPageSite(t *testing.T) *pageSite {
	t.Helper()
	s := &pageSite{}
	picture := pngOf(t, 800, 400)
	page := func(title, image string) string {
		return `<!doctype html><html><head><title>Plain title</title>` +
			`<meta property="og:title" content="` + title + `">` +
			`<meta property="og:image" content="` + image + `"></head><body>text</body></html>`
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") != "" || r.UserAgent() != previewUserAgent {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "track", Value: "1"})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page("News &amp; views", "/picture.png"))
	})
	mux.HandleFunc("/picture.png", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") != "" {
			http.Error(w, "a cookie came back", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(picture)
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/article", http.StatusFound)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><head><title>Huge</title>`)
		fmt.Fprint(w, strings.Repeat(`<meta name="pad" content="xxxxxxxxxxxxxxxxxxxxxxxx">`, 600<<10/50))
		fmt.Fprint(w, `</head><body></body></html>`)
	})
	mux.HandleFunc("/text", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, page("Not a page", "/picture.png"))
	})
	mux.HandleFunc("/fake-picture", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Fake picture", "/not-a-picture.png"))
	})
	mux.HandleFunc("/not-a-picture.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		fmt.Fprint(w, "<html>surprise</html>")
	})
	mux.HandleFunc("/big-picture", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Big picture", "/big.png"))
	})
	mux.HandleFunc("/big.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(append(pngOf(t, 10, 10), make([]byte, maxPreviewImage)...))
	})
	mux.HandleFunc("/to-http", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+r.Host+"/article", http.StatusFound)
	})
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		mux.ServeHTTP(w, r)
	}))
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// previewPair is Alice, who fetches previews from site, and Bob, her contact, who has
// no way to reach it.
func previewPair(t *testing.T, site *pageSite, on bool) (alice, bob *Engine, sw *memSwarm) {
	t.Helper()
	sw = newMemSwarm()
	alice = openMem(t, sw, "Alice", Options{PreviewClient: site.Client()})
	bob = openMem(t, sw, "Bob", Options{PreviewClient: &http.Client{Transport: refuseAll{t}}})
	contacts(t, alice, bob)
	if on {
		s := alice.Settings()
		s.LinkPreviews = true
		if err := alice.SetSettings(s); err != nil {
			t.Fatal(err)
		}
	}
	return alice, bob, sw
}

// refuseAll is a transport that fails the test if it is ever used: the recipient of a
// preview fetches nothing from the page's site.
type refuseAll struct{ t *testing.T }

func (r refuseAll) RoundTrip(req *http.Request) (*http.Response, error) {
	r.t.Errorf("the recipient fetched %s", req.URL)
	return nil, fmt.Errorf("refused")
}

// received waits for the message sent at ts to reach e.
func received(t *testing.T, e *Engine, ts int64) Message {
	t.Helper()
	ev := waitFor(t, e, "the message", func(ev Event) bool {
		r, ok := ev.(MessageReceived)
		return ok && r.Message.Timestamp == ts
	})
	return ev.(MessageReceived).Message
}

// TestLinkPreview: with previews on, Alice's computer fetches the linked page and its
// picture (redirects followed, no cookie kept), and the message arrives with the title
// and the picture scaled down; Bob fetches the picture from the file server and nothing
// from the site.
func TestLinkPreview(t *testing.T) {
	site := newPageSite(t)
	alice, bob, sw := previewPair(t, site, true)
	link := site.URL + "/moved"
	m, err := alice.Send(bob.SessionID(), "read this ("+link+").")
	if err != nil {
		t.Fatal(err)
	}
	if m.Preview == nil || !m.Preview.Pending || m.Preview.URL != link {
		t.Fatalf("queued with preview %+v", m.Preview)
	}
	got := received(t, bob, m.Timestamp)
	if got.Preview == nil || got.Preview.URL != link || got.Preview.Title != "News & views" || got.Preview.Image == nil {
		t.Fatalf("received preview %+v", got.Preview)
	}
	ev := waitFor(t, bob, "the picture", func(ev Event) bool {
		p, ok := ev.(PreviewChanged)
		return ok && p.Timestamp == m.Timestamp && p.Preview != nil && p.Preview.Image != nil && p.Preview.Image.State == AttachmentHere
	})
	b, err := ReadFile(ev.(PreviewChanged).Preview.Image.Path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width != previewImageSide || cfg.Height != previewImageSide/2 {
		t.Fatalf("picture %+v, %v", cfg, err)
	}
	// Unpadded: the blob is the picture's size rounded up to the cipher's block, with
	// the IV and MAC.
	sw.mu.Lock()
	for _, blob := range sw.files {
		if want := 16 + (len(b)/16+1)*16 + 32; len(blob) != want {
			t.Errorf("uploaded %d bytes for a picture of %d, want %d", len(blob), len(b), want)
		}
	}
	sw.mu.Unlock()
	// moved, article, picture.png: Alice's three requests, none of Bob's.
	if n := site.requests.Load(); n != 3 {
		t.Fatalf("the site answered %d requests", n)
	}
	ms, _ := alice.Messages(bob.SessionID(), 0, 0)
	if len(ms) != 1 || ms[0].Preview == nil || ms[0].Preview.Pending || ms[0].Preview.Image == nil || ms[0].Preview.Image.State != AttachmentSent {
		t.Fatalf("alice's copy %+v", ms)
	}
	// Deleting the message deletes its picture.
	path := ev.(PreviewChanged).Preview.Image.Path
	if err := bob.DeleteForMe(alice.SessionID(), alice.SessionID(), m.Timestamp); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the picture outlived its message")
	}
}

// TestLinkPreviewOffByDefault: unless the user turns previews on, nothing is fetched and
// the message goes as plain text.
func TestLinkPreviewOffByDefault(t *testing.T) {
	site := newPageSite(t)
	alice, bob, _ := previewPair(t, site, false)
	if alice.Settings().LinkPreviews {
		t.Fatal("link previews are on by default")
	}
	m, err := alice.Send(bob.SessionID(), site.URL+"/article")
	if err != nil {
		t.Fatal(err)
	}
	if got := received(t, bob, m.Timestamp); got.Preview != nil || m.Preview != nil {
		t.Fatalf("a preview without asking: %+v", got.Preview)
	}
	if n := site.requests.Load(); n != 0 {
		t.Fatalf("the site answered %d requests", n)
	}
}

// TestLinkPreviewRefused: a page that cannot be used gives a message without a preview,
// delivered all the same.
func TestLinkPreviewRefused(t *testing.T) {
	site := newPageSite(t)
	alice, bob, _ := previewPair(t, site, true)
	for _, tc := range []struct{ name, path string }{
		{"head over 500 KiB", "/huge"},
		{"not HTML", "/text"},
		{"picture that is not one", "/fake-picture"},
		{"picture over 1 MiB", "/big-picture"},
		{"redirect to http", "/to-http"},
		{"not found", "/nowhere"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := site.requests.Load()
			m, err := alice.Send(bob.SessionID(), "see "+site.URL+tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if got := received(t, bob, m.Timestamp); got.Preview != nil {
				t.Fatalf("preview %+v", got.Preview)
			}
			if site.requests.Load() == before {
				t.Fatal("the page was not even asked for")
			}
		})
	}
}

var headCases = []struct {
	name, page   string
	title, image string
	complete     bool
}{
	{"og", `<html><head><meta property="og:title" content="OG"><title>Doc</title><meta property="og:image" content="https://a.example/i.png"></head>`, "OG", "https://a.example/i.png", true},
	{"title only", `<title>Just &lt;this&gt;</title><body><meta property="og:title" content="late">`, "Just <this>", "", true},
	{"image url", `<head><meta name="og:image:url" content=" /i.jpg "><meta property="og:image" content="/second.jpg">`, "", "/i.jpg", false},
	{"upper case", `<HEAD><META PROPERTY="OG:TITLE" CONTENT="Loud"></HEAD>`, "Loud", "", true},
	{"no content", `<meta property="og:title"><title>Fallback</title></head>`, "Fallback", "", true},
	{"two titles", `<title>First</title><title>Second</title>`, "First", "", false},
	{"title in script", `<script>"<title>no</title>"</script><title>yes</title>`, "yes", "", false},
	{"unterminated title", `<title>open`, "open", "", false},
	{"empty", ``, "", "", false},
	{"garbage", "\x00<<<>>><meta content=\"x\" property=og:title", "", "", false},
	{"garbage closed", "\x00<<<>>><meta content=\"x\" property=og:title>", "x", "", false},
}

// TestParsePageHead reads titles and pictures from heads as sites write them.
func TestParsePageHead(t *testing.T) {
	for _, tc := range headCases {
		t.Run(tc.name, func(t *testing.T) {
			h := parsePageHead([]byte(tc.page))
			if h.title != tc.title || h.image != tc.image || h.complete != tc.complete {
				t.Fatalf("got %+v", h)
			}
		})
	}
}

// FuzzParsePageHead: no page makes the parser fail, and what it finds, once cleaned, is
// short valid text.
func FuzzParsePageHead(f *testing.F) {
	for _, tc := range headCases {
		f.Add([]byte(tc.page))
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		h := parsePageHead(page)
		title := cleanTitle(h.title)
		if !utf8Valid(title) || len([]rune(title)) > maxPreviewTitle {
			t.Fatalf("title %q", title)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

var linkCases = []struct {
	name, text, link string
}{
	{"plain", "see https://example.org/a?b=c#d", "https://example.org/a?b=c#d"},
	{"sentence end", "it is at https://example.org/a.", "https://example.org/a"},
	{"in brackets", "(https://example.org/wiki/Go_(language))", "https://example.org/wiki/Go_(language)"},
	{"upper case scheme", "HTTPS://Example.org", "HTTPS://Example.org"},
	{"persian path", "https://fa.example.org/ویکی", "https://fa.example.org/ویکی"},
	{"port", "https://127.0.0.1:8443/x", "https://127.0.0.1:8443/x"},
	{"first only", "https://a.example https://b.example", "https://a.example"},
	{"first unsafe", "https://xn--pple-43d.example/\u202e https://b.example", ""},
	{"http", "http://example.org", ""},
	{"glued", "xhttps://example.org", ""},
	{"no dot", "https://localhost/", ""},
	{"unicode host", "https://аpple.com", ""},
	{"user", "https://user@example.org", ""},
	{"bidi override", "https://example.org/\u202etxt.exe", ""},
	{"zero width", "https://exa\u200bmple.org", ""},
	{"backslash", `https://example.org\@evil.example`, ""},
	{"no slashes", "https:example.org", ""},
	{"empty port", "https://example.org:/", ""},
	{"none", "hello", ""},
}

// TestFirstPreviewLink finds the link to preview in what the user wrote, and refuses the
// sneaky ones.
func TestFirstPreviewLink(t *testing.T) {
	for _, tc := range linkCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := firstPreviewLink(tc.text); got != tc.link {
				t.Fatalf("got %q, want %q", got, tc.link)
			}
		})
	}
}

// FuzzFirstPreviewLink: a link found is part of the text and safe to preview.
func FuzzFirstPreviewLink(f *testing.F) {
	for _, tc := range linkCases {
		f.Add(tc.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		link := firstPreviewLink(text)
		if link != "" && (!strings.Contains(text, link) || !linkSafeToPreview(link)) {
			t.Fatalf("link %q from %q", link, text)
		}
	})
}

func previewBytes(p *sessionpb.DataMessage_Preview, body string) []byte {
	d := &sessionpb.DataMessage{Body: proto.String(body)}
	if p != nil {
		d.Preview = []*sessionpb.DataMessage_Preview{p}
	}
	b, _ := proto.Marshal(d)
	return b
}

var receivedPreviewCases = []struct {
	name      string
	data      []byte
	want      bool
	title     string
	withImage bool
}{
	{"ok", previewBytes(&sessionpb.DataMessage_Preview{Url: proto.String("https://a.example/x"), Title: proto.String(" A\u202e\n title "),
		Image: &sessionpb.AttachmentPointer{Id: proto.Uint64(1), ContentType: proto.String("image/jpeg"), Size: proto.Uint32(900)}}, "look https://a.example/x"),
		true, "A title", true},
	{"link not in the text", previewBytes(&sessionpb.DataMessage_Preview{Url: proto.String("https://evil.example/")}, "look https://a.example/x"), false, "", false},
	{"http link", previewBytes(&sessionpb.DataMessage_Preview{Url: proto.String("http://a.example/")}, "http://a.example/"), false, "", false},
	{"image too large", previewBytes(&sessionpb.DataMessage_Preview{Url: proto.String("https://a.example/"),
		Image: &sessionpb.AttachmentPointer{Id: proto.Uint64(1), ContentType: proto.String("image/png"), Size: proto.Uint32(maxPreviewImage + 1)}}, "https://a.example/"),
		true, "", false},
	{"image not a picture", previewBytes(&sessionpb.DataMessage_Preview{Url: proto.String("https://a.example/"),
		Image: &sessionpb.AttachmentPointer{Id: proto.Uint64(1), ContentType: proto.String("text/html"), Size: proto.Uint32(10)}}, "https://a.example/"),
		true, "", false},
	{"long title", previewBytes(&sessionpb.DataMessage_Preview{Url: proto.String("https://a.example/"), Title: proto.String(strings.Repeat("ab ", 200))}, "https://a.example/"),
		true, strings.TrimSpace(strings.Repeat("ab ", 67)[:200]), false},
	{"none", previewBytes(nil, "https://a.example/"), false, "", false},
}

// TestParsePreview checks what a received preview may carry.
func TestParsePreview(t *testing.T) {
	for _, tc := range receivedPreviewCases {
		t.Run(tc.name, func(t *testing.T) {
			var d sessionpb.DataMessage
			if err := proto.Unmarshal(tc.data, &d); err != nil {
				t.Fatal(err)
			}
			p := parsePreview(d.Preview, d.GetBody())
			if (p != nil) != tc.want {
				t.Fatalf("got %+v", p)
			}
			if p != nil && (p.Title != tc.title || (p.Image != nil) != tc.withImage) {
				t.Fatalf("got %+v (title %q)", p, p.Title)
			}
		})
	}
}

// FuzzParsePreview: whatever a sender writes, a preview kept links to what the text says
// and its picture is small.
func FuzzParsePreview(f *testing.F) {
	for _, tc := range receivedPreviewCases {
		f.Add(tc.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d sessionpb.DataMessage
		if proto.Unmarshal(data, &d) != nil {
			return
		}
		p := parsePreview(d.Preview, d.GetBody())
		if p == nil {
			return
		}
		if !strings.Contains(d.GetBody(), p.URL) || !linkSafeToPreview(p.URL) || !utf8Valid(p.Title) {
			t.Fatalf("kept %+v", p)
		}
		if p.Image != nil && (p.Image.Size > maxPreviewImage || p.Image.Size <= 0) {
			t.Fatalf("picture %+v", p.Image)
		}
	})
}

// TestPreviewThroughProxy: with a proxy set, the page of a preview is fetched through it,
// and its name is resolved by the proxy (a name no resolver here knows).
func TestPreviewThroughProxy(t *testing.T) {
	site := newPageSite(t)
	socks := proxytest.SOCKS5(t, "", "")
	_, port, _ := net.SplitHostPort(site.Listener.Addr().String())
	socks.Resolve("news.allium.invalid", "127.0.0.1")
	sw := newMemSwarm()
	alice := openMem(t, sw, "Alice", Options{Proxy: socks.URL()})
	bob := openMem(t, sw, "Bob", Options{})
	contacts(t, alice, bob)
	s := alice.Settings()
	s.LinkPreviews = true
	if err := alice.SetSettings(s); err != nil {
		t.Fatal(err)
	}
	m, err := alice.Send(bob.SessionID(), "read https://news.allium.invalid:"+port+"/article")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, alice, "sent", func(ev Event) bool {
		st, ok := ev.(MessageStatusChanged)
		return ok && st.Timestamp == m.Timestamp && st.State == Sent
	})
	if d := socks.Destinations(); len(d) == 0 || d[0] != "news.allium.invalid:"+port {
		t.Fatalf("the proxy was asked for %v", d)
	}
}
