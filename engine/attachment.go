package engine

import (
	"errors"
	"fmt"
	"mime"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"allium/crypto"
	"allium/engine/sessionpb"
)

// ErrInvalidAttachment: a received AttachmentPointer cannot be downloaded or decrypted as
// it stands (a bad URL, a key of the wrong length, a missing digest or size, a file larger
// than any client sends). The wrapped message says which.
var ErrInvalidAttachment = errors.New("engine: invalid attachment")

// FilePointer is a received AttachmentPointer that ParseFilePointer has checked: everything
// needed to download and decrypt the file, and what may be shown or used to save it.
type FilePointer struct {
	// Server is the file server's base URL, scheme://host[:port], and FileID the file's
	// id on it; the file is fetched with GET /file/<FileID>.
	Server string
	FileID string
	// ServerEd25519 and ServerX25519 are the server's keys from the URL's p= fragment,
	// both nil when the URL names none (the network's own file server).
	ServerEd25519 *[32]byte
	ServerX25519  *[32]byte

	// Deterministic is set for libsession's scheme (the URL's d fragment): decrypt with
	// crypto.DecryptAttachment(&DeterministicKey, …). Otherwise the file is legacy:
	// crypto.DecryptLegacyAttachment(&LegacyKey, Digest, Size, …).
	Deterministic    bool
	DeterministicKey crypto.AttachmentKey
	LegacyKey        crypto.LegacyAttachmentKey
	Digest           []byte

	// Size is the plaintext length the sender declared.
	Size int

	// FileName is safe to save under in a directory the user chose: no path separators,
	// control or direction-changing characters, leading dots, or names Windows reserves.
	// It may be empty; the caller then picks a name.
	FileName string
	// ContentType is a plausible lowercase type/subtype, application/octet-stream when the
	// sender gave none or nonsense.
	ContentType   string
	VoiceMessage  bool
	Width, Height uint32
	Caption       string
}

// attachmentVoiceMessage is AttachmentPointer.Flags' VOICE_MESSAGE bit.
const attachmentVoiceMessage = 1

// maxFileName bounds a sanitised name in bytes: the common file-system limit.
const maxFileName = 255

// fileIDPattern: the file server's ids are decimal numbers or 44-character URL-safe
// base64 content hashes; 64 characters leaves room and refuses anything path-like.
var fileIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ParseFilePointer checks a received pointer and returns its validated view. It does not
// fetch anything. The scheme is chosen by the URL's fragment, as Session desktop does:
// "d" (or "d=") means deterministic with a 32-byte key; otherwise the file is legacy and
// needs a 64-byte key and a 32-byte digest.
func ParseFilePointer(p *sessionpb.AttachmentPointer) (FilePointer, error) {
	var a FilePointer
	if p == nil {
		return a, fmt.Errorf("%w: no pointer", ErrInvalidAttachment)
	}
	if err := parseAttachmentURL(&a, p.GetUrl()); err != nil {
		return a, err
	}
	key := p.GetKey()
	limit := crypto.MaxAttachmentSize
	if a.Deterministic {
		if len(key) != crypto.AttachmentKeySize {
			return a, fmt.Errorf("%w: deterministic key of %d bytes", ErrInvalidAttachment, len(key))
		}
		copy(a.DeterministicKey[:], key)
		// Any client may send up to libsession's limit for this scheme.
		limit = crypto.MaxDeterministicPlaintext
	} else {
		if len(key) != crypto.LegacyAttachmentKeySize {
			return a, fmt.Errorf("%w: legacy key of %d bytes", ErrInvalidAttachment, len(key))
		}
		if len(p.GetDigest()) != 32 {
			return a, fmt.Errorf("%w: legacy digest of %d bytes", ErrInvalidAttachment, len(p.GetDigest()))
		}
		copy(a.LegacyKey[:], key)
		a.Digest = append([]byte(nil), p.GetDigest()...)
	}
	if p.Size == nil {
		return a, fmt.Errorf("%w: no size", ErrInvalidAttachment)
	}
	if int64(p.GetSize()) > int64(limit) {
		return a, fmt.Errorf("%w: size %d", ErrInvalidAttachment, p.GetSize())
	}
	a.Size = int(p.GetSize())
	a.FileName = SanitizeFileName(p.GetFileName())
	a.ContentType = plausibleContentType(p.GetContentType())
	a.VoiceMessage = p.GetFlags()&attachmentVoiceMessage != 0
	a.Width, a.Height = p.GetWidth(), p.GetHeight()
	a.Caption = strings.ToValidUTF8(p.GetCaption(), "\uFFFD")
	return a, nil
}

// parseAttachmentURL reads http(s)://host[:port]/file/<id>[#fragment] into a.
func parseAttachmentURL(a *FilePointer, raw string) error {
	bad := func(why string) error { return fmt.Errorf("%w: url %s", ErrInvalidAttachment, why) }
	if raw == "" || len(raw) > 2048 {
		return bad("missing or too long")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("unparsable")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return bad("scheme not http or https")
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Opaque != "" {
		return bad("with user, query or opaque part")
	}
	host := u.Hostname()
	if !validHost(host) {
		return bad("host")
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return bad("port")
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return bad("port")
	}
	id, ok := strings.CutPrefix(u.EscapedPath(), "/file/")
	if !ok || !fileIDPattern.MatchString(id) {
		return bad("path")
	}
	a.Server = u.Scheme + "://" + u.Host
	a.FileID = id
	return parseAttachmentFragment(a, u.EscapedFragment())
}

// parseAttachmentFragment reads the &-separated fragment: d or d= (deterministic), and
// p=<64 hex> (the server's Ed25519 key, as desktop writes it; it must be a valid point).
// Other items (libsession's sr=, desktop's internal e=) are ignored; a repeated d or p is
// refused, since two readings of one URL must not differ.
func parseAttachmentFragment(a *FilePointer, frag string) error {
	if frag == "" {
		return nil
	}
	seen := map[string]bool{}
	for item := range strings.SplitSeq(frag, "&") {
		name, value, hasValue := strings.Cut(item, "=")
		switch name {
		case "d", "p":
			if seen[name] {
				return fmt.Errorf("%w: url fragment repeats %s", ErrInvalidAttachment, name)
			}
			seen[name] = true
		}
		switch name {
		case "d":
			if value != "" {
				return fmt.Errorf("%w: url fragment d with a value", ErrInvalidAttachment)
			}
			a.Deterministic = true
		case "p":
			var ed [32]byte
			if !hasValue || len(value) != 64 || !isLowerOrUpperHex(value) {
				return fmt.Errorf("%w: url server key", ErrInvalidAttachment)
			}
			for i := range ed {
				b, _ := strconv.ParseUint(value[2*i:2*i+2], 16, 8)
				ed[i] = byte(b)
			}
			x, err := crypto.Ed25519PublicToX25519(ed[:])
			if err != nil {
				return fmt.Errorf("%w: url server key is not an Ed25519 key", ErrInvalidAttachment)
			}
			a.ServerEd25519, a.ServerX25519 = &ed, &x
		}
	}
	return nil
}

func isLowerOrUpperHex(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// validHost accepts an IP address or a DNS name of letters, digits, hyphens and dots.
func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	if net.ParseIP(h) != nil {
		return true
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// windowsReserved are device names Windows will not create a file under, with or without
// an extension.
var windowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// SanitizeFileName makes a sender's file name safe to save under: characters that
// separate paths or that Windows forbids become '_'; control, format and
// direction-changing characters (which can make "cod.exe" look like "exe.doc") are
// removed; leading dots and spaces (hidden files, "..") and trailing dots and spaces
// (which Windows drops) are trimmed; Windows device names get a '_' in front; invalid
// UTF-8 becomes U+FFFD; and the result is at most 255 bytes. It may return "".
func SanitizeFileName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	var b strings.Builder
	for _, r := range name {
		switch {
		case strings.ContainsRune(`/\<>:"|?*`, r):
			b.WriteRune('_')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r):
			// dropped: C0/C1 controls, bidi overrides and isolates, zero-width characters
		default:
			b.WriteRune(r)
		}
	}
	s := strings.TrimLeft(b.String(), ". ")
	s = strings.TrimRight(s, ". ")
	if len(s) > maxFileName {
		// Keep the extension when there is a short one, and cut on a rune boundary.
		ext := ""
		if i := strings.LastIndexByte(s, '.'); i > 0 && len(s)-i <= 16 {
			ext = s[i:]
		}
		s = s[:maxFileName-len(ext)]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s = strings.TrimRight(s, ". ") + ext
	}
	base, _, _ := strings.Cut(s, ".")
	if windowsReserved[strings.ToUpper(strings.TrimRight(base, " "))] {
		s = "_" + s
	}
	return s
}

// topLevelTypes are the registered top-level media types (RFC 6838 and later).
var topLevelTypes = map[string]bool{
	"application": true, "audio": true, "font": true, "image": true, "message": true,
	"model": true, "multipart": true, "text": true, "video": true,
}

// plausibleContentType returns ct as a lowercase type/subtype without parameters, or
// application/octet-stream when ct is empty or not a media type: a file with a strange
// type is still delivered, only not previewed.
func plausibleContentType(ct string) string {
	const fallback = "application/octet-stream"
	if ct == "" || len(ct) > 255 {
		return fallback
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return fallback
	}
	top, sub, ok := strings.Cut(mt, "/")
	if !ok || !topLevelTypes[top] || sub == "" || len(sub) > 127 {
		return fallback
	}
	return mt
}
