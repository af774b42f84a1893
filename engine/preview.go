package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // pages' pictures are often WebP
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"google.golang.org/protobuf/proto"

	"allium/crypto"
	"allium/engine/sessionpb"
	"allium/engine/store"
)

// Link previews. When Settings.LinkPreviews is on, a message whose text holds an https
// link gets a small card of the linked page: its title and a picture. The sender's
// computer fetches the page, through Options.PreviewClient (and so through the proxy
// when one is set), in the outbox's upload step, so that Send never waits for a website;
// the picture is uploaded to the file server like a file. The recipient never fetches the
// page: the card comes in the message, and its picture from the file server through an
// onion path, like any attachment. Fetching reveals this computer's address (or the
// proxy's) to the page's site, which is why previews are off until the user turns them
// on.

// Bounds of a preview fetch, as Session Desktop applies them (ts/util/linkPreviewFetch.ts).
const (
	previewTimeout      = 20 * time.Second
	maxPreviewHTML      = 500 << 10
	maxPreviewImage     = 1 << 20
	maxPreviewRedirects = 20
	// previewImageSide is the longest side of the picture sent, in pixels.
	previewImageSide = 200
	// maxPreviewPixels refuses, before decoding, a small file that would decode into a
	// huge picture (a 1 MiB PNG can claim 60 000 × 60 000 pixels).
	maxPreviewPixels = 16_000_000
	// maxPreviewTitle bounds a title, in runes: a card shows a line or two.
	maxPreviewTitle = 200
	// maxPreviewURL bounds a link, as browsers and the file pointers do.
	maxPreviewURL = 2048
	// previewUserAgent is what Session Desktop sends, so that sites answer us as they
	// answer it, and our requests look like its users'.
	previewUserAgent = "WhatsApp"
)

// Why a page gives no preview. They are not shown: the message simply goes without one.
var (
	errPreviewNotHTML    = errors.New("engine: preview: not an HTML page")
	errPreviewTooLarge   = errors.New("engine: preview: too large")
	errPreviewNoPicture  = errors.New("engine: preview: not a picture")
	errPreviewNothing    = errors.New("engine: preview: no title or picture")
	errPreviewRedirect   = errors.New("engine: preview: redirect to a link that is not https")
	errPreviewRedirects  = errors.New("engine: preview: too many redirects")
	errPreviewHTTPStatus = errors.New("engine: preview: the site did not answer with the page")
)

// LinkPreview is the card of a linked page that a message carries.
type LinkPreview struct {
	// URL is the link, as it is in the message's text; Title the page's title (may be
	// empty).
	URL, Title string
	// Image is the page's picture, nil if it has none; its Path is set once it is here.
	Image *Attachment
	// Pending: ours, the page not fetched yet (the app shows no card until it is).
	Pending bool
}

// PreviewChanged fires when a message's link preview moves on: ours was built (Preview
// is nil if the page gave none: the message goes without), or the picture of theirs was
// fetched, failed or expired. The app updates the bubble's card.
type PreviewChanged struct {
	Conversation, Author crypto.SessionID
	Timestamp            int64
	Preview              *LinkPreview
}

func (PreviewChanged) isEvent() {}

func (e *Engine) previewOf(p *store.Preview) *LinkPreview {
	if p == nil {
		return nil
	}
	lp := &LinkPreview{URL: p.URL, Title: p.Title, Pending: p.Pending}
	if p.Image != nil {
		lp.Image = &e.attachmentsOf([]store.Attachment{*p.Image})[0]
	}
	return lp
}

// pendingPreview is the preview to build for a message about to be sent: the first https
// link of its text, if previews are on, the link is safe to preview and there is a file
// server for the picture; nil otherwise.
func (e *Engine) pendingPreview(text string) *store.Preview {
	if !e.Settings().LinkPreviews || e.files == nil {
		return nil
	}
	link := firstPreviewLink(text)
	if link == "" {
		return nil
	}
	return &store.Preview{URL: link, Pending: true}
}

// firstPreviewLink returns the first https link of text if it is safe to preview, else
// "". Only the first is considered, as Session Desktop does, so that which page is
// fetched is plain from the text.
func firstPreviewLink(text string) string {
	for _, word := range strings.FieldsFunc(text, unicode.IsSpace) {
		i := indexFold(word, "https://")
		if i < 0 {
			continue
		}
		if i > 0 {
			if r, _ := utf8.DecodeLastRuneInString(word[:i]); unicode.IsLetter(r) || unicode.IsDigit(r) {
				continue // "xhttps://…" is not a link
			}
		}
		link := trimLinkEnd(word[i:])
		if !linkSafeToPreview(link) {
			return ""
		}
		return link
	}
	return ""
}

// indexFold is strings.Index for an ASCII needle, ignoring ASCII case.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// trimLinkEnd drops the punctuation that ends a sentence rather than a link, and a
// closing bracket without its opening one ("(see https://a.example/x)").
func trimLinkEnd(s string) string {
	for s != "" {
		r, n := utf8.DecodeLastRuneInString(s)
		switch {
		case strings.ContainsRune(".,;:!?'\"»”’…", r):
		case r == ')' && strings.Count(s, "(") < strings.Count(s, ")"),
			r == ']' && strings.Count(s, "[") < strings.Count(s, "]"):
		default:
			return s
		}
		s = s[:len(s)-n]
	}
	return s
}

// linkSafeToPreview reports whether link may be previewed: an https URL of reasonable
// length, with no user part, whose host is plain ASCII (letters, digits, hyphens, dots,
// with at least one dot: a Unicode host can imitate another) and which holds no
// "sneaky" characters anywhere: no spaces, controls, format characters (direction
// overrides, zero-width characters), private-use characters, backslashes or quotes. It
// is this project's counterpart of Session Desktop's isLinkSafeToPreview.
func linkSafeToPreview(link string) bool {
	if link == "" || len(link) > maxPreviewURL || !utf8.ValidString(link) {
		return false
	}
	for _, r := range link {
		if r <= ' ' || r == 0x7f || strings.ContainsRune("\\\"<>`", r) || unicode.IsSpace(r) || unicode.IsControl(r) ||
			unicode.In(r, unicode.Cf, unicode.Co, unicode.Cs, unicode.Zl, unicode.Zp) || r == utf8.RuneError {
			return false
		}
	}
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(link[len("https:"):], "//") {
		return false
	}
	host := u.Hostname()
	if !strings.Contains(host, ".") || !validHost(host) || strings.HasSuffix(host, ".") {
		return false
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return false
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return false
	}
	return true
}

// previewClient is the client for fetching pages: the one the options give (routed
// through the proxy when one is set) with the preview's bounds on top: no cookies kept or
// sent, https only, at most maxPreviewRedirects redirects, no Referer, previewTimeout.
func (e *Engine) previewClient() *http.Client {
	base := e.opts.PreviewClient
	if base == nil {
		// Pages are fetched through the proxy whenever one is set, whatever its scope:
		// the page would otherwise see this computer's address.
		base = &http.Client{Transport: &http.Transport{DialContext: e.proxy.Dialer(),
			TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: previewTimeout}}
	}
	c := *base
	c.Jar = nil
	if c.Timeout <= 0 || c.Timeout > previewTimeout {
		c.Timeout = previewTimeout
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxPreviewRedirects {
			return errPreviewRedirects
		}
		if req.URL.Scheme != "https" {
			return errPreviewRedirect
		}
		// The next site need not learn which page sent us there.
		req.Header.Del("Referer")
		return nil
	}
	return &c
}

// previewGet fetches link with c and returns at most limit bytes of its body, whether
// there was more, and the URL it finally came from.
func previewGet(ctx context.Context, c *http.Client, link string, limit int64, wantHTML bool) ([]byte, *url.URL, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, previewTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, nil, false, fmt.Errorf("engine: preview: %w", err)
	}
	req.Header.Set("User-Agent", previewUserAgent)
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, false, fmt.Errorf("engine: preview: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, nil, false, errPreviewHTTPStatus
	}
	if wantHTML {
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		if mt != "text/html" && mt != "application/xhtml+xml" {
			return nil, nil, false, errPreviewNotHTML
		}
	} else if resp.ContentLength > limit {
		return nil, nil, false, errPreviewTooLarge
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, nil, false, fmt.Errorf("engine: preview: %w", err)
	}
	more := int64(len(b)) > limit
	if more {
		b = b[:limit]
	}
	return b, resp.Request.URL, more, nil
}

// buildPreview fetches the page link names and makes its preview: title, and picture
// (scaled down, re-encoded, and kept in the profile to be uploaded). A page that cannot
// be fetched, is not HTML, or whose head does not end within maxPreviewHTML, or whose
// picture is not a picture, gives none.
func (e *Engine) buildPreview(ctx context.Context, link string) (*store.Preview, error) {
	c := e.previewClient()
	page, final, more, err := previewGet(ctx, c, link, maxPreviewHTML, true)
	if err != nil {
		return nil, err
	}
	head := parsePageHead(page)
	if more && !head.complete {
		return nil, errPreviewTooLarge
	}
	p := &store.Preview{URL: link, Title: cleanTitle(head.title)}
	if head.image != "" {
		u, err := final.Parse(head.image)
		if err != nil || u.Scheme != "https" || u.User != nil || u.Host == "" || len(u.String()) > maxPreviewURL {
			return nil, errPreviewNoPicture
		}
		data, _, more, err := previewGet(ctx, c, u.String(), maxPreviewImage, false)
		if err != nil {
			return nil, err
		}
		if more {
			return nil, errPreviewTooLarge
		}
		pic, err := previewPicture(data)
		if err != nil {
			return nil, err
		}
		rel, err := e.newFile(bytes.NewReader(pic.data), "preview"+pic.ext, maxPreviewImage)
		if err != nil {
			return nil, err
		}
		p.Image = &store.Attachment{ContentType: pic.contentType, Size: int64(len(pic.data)), Width: pic.w, Height: pic.h,
			State: uint8(AttachmentUploading), Path: rel}
	}
	if p.Title == "" && p.Image == nil {
		return nil, errPreviewNothing
	}
	return p, nil
}

// pageHead is what a page's head says about it.
type pageHead struct {
	title, image string
	// complete: the head ended (or the page did) before the bytes ran out.
	complete bool
}

// parsePageHead reads the title (og:title, else <title>) and picture (og:image or
// og:image:url) from the head of an HTML page. It stops where the body starts. The
// bytes come from a website: anything goes, and the result is only text to clean.
func parsePageHead(page []byte) pageHead {
	var h pageHead
	var ogTitle, docTitle strings.Builder
	haveOGTitle, inTitle := false, false
	z := html.NewTokenizer(bytes.NewReader(page))
	done := func(complete bool) pageHead {
		h.complete = complete
		h.title = docTitle.String()
		if haveOGTitle {
			h.title = ogTitle.String()
		}
		return h
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			// The end of the bytes: the page is whole only if the caller read it all.
			return done(false)
		case html.TextToken:
			if inTitle && docTitle.Len() < maxPreviewHTML {
				docTitle.Write(z.Text())
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Title:
				inTitle = false
			case atom.Head:
				return done(true)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch atom.Lookup(name) {
			case atom.Body:
				return done(true)
			case atom.Title:
				// A second <title> does not replace the first.
				inTitle = tt == html.StartTagToken && docTitle.Len() == 0
			case atom.Meta:
				var prop, content string
				var hasContent bool
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch string(k) {
					case "property", "name":
						if prop == "" {
							prop = strings.ToLower(strings.TrimSpace(string(v)))
						}
					case "content":
						content, hasContent = string(v), true
					}
				}
				switch {
				case !hasContent:
				case prop == "og:title" && !haveOGTitle:
					ogTitle.WriteString(content)
					haveOGTitle = true
				case (prop == "og:image" || prop == "og:image:url") && h.image == "":
					h.image = strings.TrimSpace(content)
				}
			}
		}
	}
}

// cleanTitle makes a page's title fit to show: valid UTF-8, without controls or
// invisible formatting characters (which could reorder what is shown) other than the
// zero-width (non-)joiners that Persian and other scripts need, with runs of white space
// as one space, and at most maxPreviewTitle runes.
func cleanTitle(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	n, space := 0, false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r == '\u200c' || r == '\u200d':
		case unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Co, unicode.Cs):
			continue
		}
		if n >= maxPreviewTitle {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
			n++
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// previewPic is a preview's picture, ready to upload.
type previewPic struct {
	data             []byte
	ext, contentType string
	w, h             int
}

// previewPicture checks that data is a picture (GIF, JPEG, PNG or WebP) of a sane size,
// scales it so that its longest side is at most previewImageSide, and encodes it again:
// JPEG when it is opaque, PNG otherwise. Encoding it again also drops whatever the file
// carried besides the pixels.
func previewPicture(data []byte) (previewPic, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPreviewPixels {
		return previewPic{}, errPreviewNoPicture
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return previewPic{}, errPreviewNoPicture
	}
	w, h := cfg.Width, cfg.Height
	if long := max(w, h); long > previewImageSide {
		w, h = max(1, w*previewImageSide/long), max(1, h*previewImageSide/long)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	var buf bytes.Buffer
	pic := previewPic{w: w, h: h}
	if dst.Opaque() {
		err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85})
		pic.ext, pic.contentType = ".jpg", "image/jpeg"
	} else {
		err = png.Encode(&buf, dst)
		pic.ext, pic.contentType = ".png", "image/png"
	}
	if err != nil {
		return previewPic{}, fmt.Errorf("engine: preview: %w", err)
	}
	pic.data = buf.Bytes()
	return pic, nil
}

// preparePreview is the upload step's part for a message's preview: it builds a
// pending preview (if the page gives none, the message goes without), uploads its
// picture, and returns the preview to send. ok is false when the step must stop: the
// engine is closing, the message is gone, or the upload is to be retried later.
func (e *Engine) preparePreview(it store.OutboxItem, m *store.Message) (_ *sessionpb.DataMessage_Preview, ok bool) {
	if m.Preview == nil {
		return nil, true
	}
	me := e.SessionID()
	if m.Preview.Pending {
		built, err := e.buildPreview(e.ctx, m.Preview.URL)
		if e.ctx.Err() != nil {
			if built != nil && built.Image != nil {
				e.removeFiles([]store.Attachment{*built.Image})
			}
			return nil, false
		}
		if err != nil {
			e.log.Debug("no link preview", "err", err)
		}
		updated, err := e.st.UpdateMessage(m.Conversation, me, m.Timestamp, func(x *store.Message) { x.Preview = built })
		if err != nil {
			if built != nil && built.Image != nil {
				e.removeFiles([]store.Attachment{*built.Image})
			}
			return nil, false
		}
		*m = updated
		e.events.push(PreviewChanged{Conversation: m.Conversation, Author: me, Timestamp: m.Timestamp, Preview: e.previewOf(m.Preview)})
		if m.Preview == nil {
			return nil, true
		}
	}
	p := m.Preview
	out := &sessionpb.DataMessage_Preview{Url: proto.String(p.URL)}
	if p.Title != "" {
		out.Title = proto.String(p.Title)
	}
	if a := p.Image; a != nil {
		var ptr sessionpb.AttachmentPointer
		if len(a.Pointer) > 0 && proto.Unmarshal(a.Pointer, &ptr) == nil {
			out.Image = &ptr
			return out, true
		}
		data, err := e.readOwn(filepath.Join(e.opts.Dir, filesDir, a.Path))
		if err != nil {
			return out, true // the picture is gone from the profile: the card goes without
		}
		// Session Desktop uploads previews' pictures unpadded (uploadLinkPreviewToFileServer).
		up, err := e.uploadFile(a, data, false, nil)
		if e.ctx.Err() != nil {
			return nil, false
		}
		if err != nil {
			e.retryLater(it, err)
			return nil, false
		}
		up.FileName = nil
		a.Pointer, _ = proto.Marshal(up)
		a.State = uint8(AttachmentSent)
		updated, err := e.st.UpdateMessage(m.Conversation, me, m.Timestamp, func(x *store.Message) { x.Preview = p })
		if err != nil {
			return nil, false
		}
		*m = updated
		e.events.push(PreviewChanged{Conversation: m.Conversation, Author: me, Timestamp: m.Timestamp, Preview: e.previewOf(m.Preview)})
		out.Image = up
	}
	return out, true
}

// parsePreview reads the preview a received message carries: the first one, and only if
// its link is safe to preview and appears in the message's text, so that a card never
// leads somewhere the text does not say. Its picture is kept only if it claims to be a
// picture of at most maxPreviewImage bytes. The bytes come from the sender: the title is
// cleaned as a page's would be.
func parsePreview(ps []*sessionpb.DataMessage_Preview, body string) *store.Preview {
	if len(ps) == 0 || ps[0] == nil {
		return nil
	}
	p := ps[0]
	link := p.GetUrl()
	if !linkSafeToPreview(link) || !strings.Contains(body, link) {
		return nil
	}
	out := &store.Preview{URL: link, Title: cleanTitle(p.GetTitle())}
	if img := p.GetImage(); img != nil && img.Size != nil && img.GetSize() > 0 && img.GetSize() <= maxPreviewImage {
		ct := plausibleContentType(img.GetContentType())
		if strings.HasPrefix(ct, "image/") || ct == "application/octet-stream" {
			a := store.Attachment{ContentType: ct, Size: int64(img.GetSize()), State: uint8(AttachmentOffered)}
			if w, h := img.GetWidth(), img.GetHeight(); w > 0 && h > 0 && w <= 1<<15 && h <= 1<<15 {
				a.Width, a.Height = int(w), int(h)
			}
			a.Pointer, _ = proto.Marshal(img)
			out.Image = &a
		}
	}
	return out
}

// offeredPreview is parsePreview, with the picture dropped if it is not on this
// network's file server or its pointer does not check.
func (e *Engine) offeredPreview(ps []*sessionpb.DataMessage_Preview, body string) *store.Preview {
	p := parsePreview(ps, body)
	if p != nil && p.Image != nil {
		var ptr sessionpb.AttachmentPointer
		if proto.Unmarshal(p.Image.Pointer, &ptr) != nil {
			p.Image = nil
		} else if _, err := e.fileSource(&ptr); err != nil {
			p.Image = nil
		}
	}
	return p
}

// queuePreviewImage asks for the picture of a received message's preview, if it waits.
func (e *Engine) queuePreviewImage(m store.Message) {
	if m.Preview == nil || m.Preview.Image == nil {
		return
	}
	switch AttachmentState(m.Preview.Image.State) {
	case AttachmentOffered, AttachmentDownloading:
		e.queueDownload(download{conv: m.Conversation, author: m.Author, ts: m.Timestamp, preview: true})
	}
}

// fetchPreviewImage downloads, decrypts and checks the picture of a message's preview
// from the file server, as fetch does a file, and keeps it only if it is a picture.
func (e *Engine) fetchPreviewImage(d download) {
	m, ok, err := e.st.Message(d.conv, d.author, d.ts)
	if err != nil || !ok || m.Preview == nil || m.Preview.Image == nil {
		return
	}
	e.fetchFile(*m.Preview.Image, maxPreviewImage, nil,
		func(fn func(*store.Attachment)) error { return e.setPreviewImage(d, fn) },
		func(plain []byte) (string, string, error) {
			cfg, format, err := image.DecodeConfig(bytes.NewReader(plain))
			if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPreviewPixels {
				return "", "", errPreviewNoPicture
			}
			ext := "." + format
			if format == "jpeg" {
				ext = ".jpg"
			}
			return "preview" + ext, "image/" + format, nil
		})
}

// setPreviewImage changes the picture of a message's preview and tells the app.
func (e *Engine) setPreviewImage(d download, fn func(*store.Attachment)) error {
	m, err := e.st.UpdateMessage(d.conv, d.author, d.ts, func(m *store.Message) {
		if m.Preview != nil && m.Preview.Image != nil {
			fn(m.Preview.Image)
		}
	})
	if err != nil {
		return err
	}
	e.events.push(PreviewChanged{Conversation: d.conv, Author: d.author, Timestamp: d.ts, Preview: e.previewOf(m.Preview)})
	return nil
}

// messageFiles are all the files of a message in the profile: its attachments and its
// preview's picture.
func messageFiles(m store.Message) []store.Attachment {
	if m.Preview == nil || m.Preview.Image == nil {
		return m.Attachments
	}
	return append(append([]store.Attachment(nil), m.Attachments...), *m.Preview.Image)
}
