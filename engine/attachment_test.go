package engine

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"

	"allium/engine/sessionpb"
)

// desktopFileServerEd25519 is Session desktop's current file-server key, a valid point.
const desktopFileServerEd25519 = "b8eef9821445ae16e2e97ef8aa6fe782fd11ad5253cd6723b281341dba22e371"

func legacyPointer(url string) *sessionpb.AttachmentPointer {
	return &sessionpb.AttachmentPointer{
		Id: proto.Uint64(0), Url: proto.String(url), Key: bytes.Repeat([]byte{1}, 64),
		Digest: bytes.Repeat([]byte{2}, 32), Size: proto.Uint32(1000),
		FileName: proto.String("cat.jpg"), ContentType: proto.String("image/jpeg"),
	}
}

func deterministicPointer(url string) *sessionpb.AttachmentPointer {
	p := legacyPointer(url)
	p.Key, p.Digest = bytes.Repeat([]byte{3}, 32), nil
	return p
}

type attachmentCase struct {
	name  string
	p     *sessionpb.AttachmentPointer
	ok    bool
	check func(*testing.T, FilePointer)
}

func attachmentCases() []attachmentCase {
	mod := func(p *sessionpb.AttachmentPointer, f func(*sessionpb.AttachmentPointer)) *sessionpb.AttachmentPointer {
		f(p)
		return p
	}
	const fs = "http://filev2.getsession.org/file/"
	return []attachmentCase{
		{"legacy", legacyPointer(fs + "12345"), true, func(t *testing.T, a FilePointer) {
			if a.Deterministic || a.Server != "http://filev2.getsession.org" || a.FileID != "12345" || a.Size != 1000 ||
				a.LegacyKey[0] != 1 || len(a.Digest) != 32 || a.ServerEd25519 != nil || a.ContentType != "image/jpeg" {
				t.Errorf("%+v", a)
			}
		}},
		{"deterministic d", deterministicPointer(fs + strings.Repeat("A", 44) + "#d"), true, func(t *testing.T, a FilePointer) {
			if !a.Deterministic || a.DeterministicKey[0] != 3 {
				t.Errorf("%+v", a)
			}
		}},
		{"deterministic d= with server key", deterministicPointer("https://files.example.org:8443/file/x_-9#d=&p=" + desktopFileServerEd25519 + "&sr=a.b:1"), true, func(t *testing.T, a FilePointer) {
			if !a.Deterministic || a.ServerEd25519 == nil || a.ServerX25519 == nil || a.Server != "https://files.example.org:8443" {
				t.Errorf("%+v", a)
			}
		}},
		{"ipv6 host", legacyPointer("http://[::1]:80/file/1"), true, nil},
		{"voice note", mod(legacyPointer(fs+"1"), func(p *sessionpb.AttachmentPointer) { p.Flags = proto.Uint32(1) }), true,
			func(t *testing.T, a FilePointer) {
				if !a.VoiceMessage {
					t.Error("not a voice message")
				}
			}},
		{"odd content type", mod(legacyPointer(fs+"1"), func(p *sessionpb.AttachmentPointer) { p.ContentType = proto.String("<script>") }), true,
			func(t *testing.T, a FilePointer) {
				if a.ContentType != "application/octet-stream" {
					t.Error(a.ContentType)
				}
			}},
		{"path in file name", mod(legacyPointer(fs+"1"), func(p *sessionpb.AttachmentPointer) { p.FileName = proto.String("../../.bashrc") }), true,
			func(t *testing.T, a FilePointer) {
				if a.FileName != "_.._.bashrc" {
					t.Errorf("%q", a.FileName)
				}
			}},
		{"nil", nil, false, nil},
		{"no url", legacyPointer(""), false, nil},
		{"ftp", legacyPointer("ftp://filev2.getsession.org/file/1"), false, nil},
		{"user info", legacyPointer("http://u:p@filev2.getsession.org/file/1"), false, nil},
		{"query", legacyPointer(fs + "1?x=1"), false, nil},
		{"wrong path", legacyPointer("http://filev2.getsession.org/files/1"), false, nil},
		{"nested path", legacyPointer(fs + "1/2"), false, nil},
		{"escaped slash", legacyPointer(fs + "1%2F2"), false, nil},
		{"empty id", legacyPointer(fs), false, nil},
		{"bad host", legacyPointer("http://file_server/file/1"), false, nil},
		{"empty port", legacyPointer("http://filev2.getsession.org:/file/1"), false, nil},
		{"port zero", legacyPointer("http://filev2.getsession.org:0/file/1"), false, nil},
		{"d with value", deterministicPointer(fs + "1#d=1"), false, nil},
		{"d twice", deterministicPointer(fs + "1#d&d"), false, nil},
		{"short server key", deterministicPointer(fs + "1#d&p=abcd"), false, nil},
		{"server key not a point", deterministicPointer(fs + "1#d&p=02" + strings.Repeat("0", 62)), false, nil},
		{"legacy key with d", legacyPointer(fs + "1#d"), false, nil},
		{"deterministic key without d", deterministicPointer(fs + "1"), false, nil},
		{"legacy without digest", mod(legacyPointer(fs+"1"), func(p *sessionpb.AttachmentPointer) { p.Digest = nil }), false, nil},
		{"no size", mod(legacyPointer(fs+"1"), func(p *sessionpb.AttachmentPointer) { p.Size = nil }), false, nil},
		{"legacy too large", mod(legacyPointer(fs+"1"), func(p *sessionpb.AttachmentPointer) { p.Size = proto.Uint32(10_000_001) }), false, nil},
		{"deterministic at its limit", mod(deterministicPointer(fs+"1#d"), func(p *sessionpb.AttachmentPointer) { p.Size = proto.Uint32(10_218_286) }), true, nil},
		{"deterministic too large", mod(deterministicPointer(fs+"1#d"), func(p *sessionpb.AttachmentPointer) { p.Size = proto.Uint32(10_218_287) }), false, nil},
	}
}

func TestParseFilePointer(t *testing.T) {
	for _, c := range attachmentCases() {
		t.Run(c.name, func(t *testing.T) {
			a, err := ParseFilePointer(c.p)
			if !c.ok {
				if !errors.Is(err, ErrInvalidAttachment) {
					t.Fatalf("err %v, want ErrInvalidAttachment", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.check != nil {
				c.check(t, a)
			}
		})
	}
}

func TestSanitizeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"photo.jpg":             "photo.jpg",
		"":                      "",
		"...":                   "",
		".hidden":               "hidden",
		"a/b\\c":                "a_b_c",
		"C:\\Windows\\x.exe":    "C__Windows_x.exe",
		"evil\u202Egpj.exe":     "evilgpj.exe",
		"tab\there\x00\x1b[31m": "tabhere[31m",
		"name. ":                "name",
		"CON":                   "_CON",
		"nul.txt":               "_nul.txt",
		"console.txt":           "console.txt",
		"bad\xffutf8":           "bad\uFFFDutf8",
		"zero\u200bwidth":       "zerowidth",
		"ok:name?.pdf":          "ok_name_.pdf",
		"session-audio-message": "session-audio-message",
		"رسید.pdf":              "رسید.pdf",
	} {
		if got := SanitizeFileName(in); got != want {
			t.Errorf("SanitizeFileName(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("é", 300) + ".jpeg"
	if got := SanitizeFileName(long); len(got) > maxFileName || !strings.HasSuffix(got, ".jpeg") || !utf8.ValidString(got) {
		t.Errorf("long name: %d bytes, %q", len(got), got[len(got)-8:])
	}
}

func FuzzParseFilePointer(f *testing.F) {
	for _, c := range attachmentCases() {
		if c.p != nil {
			f.Add(c.p.GetUrl(), c.p.GetKey(), c.p.GetDigest(), c.p.GetSize(), c.p.GetFileName(), c.p.GetContentType())
		}
	}
	f.Fuzz(func(t *testing.T, url string, key, digest []byte, size uint32, name, ct string) {
		a, err := ParseFilePointer(&sessionpb.AttachmentPointer{
			Id: proto.Uint64(0), Url: &url, Key: key, Digest: digest, Size: &size, FileName: &name, ContentType: &ct,
		})
		if err != nil {
			return
		}
		if strings.ContainsAny(a.FileName, "/\\\x00") || strings.HasPrefix(a.FileName, ".") ||
			len(a.FileName) > maxFileName || !utf8.ValidString(a.FileName) {
			t.Fatalf("unsafe file name %q", a.FileName)
		}
		if !fileIDPattern.MatchString(a.FileID) || !strings.HasPrefix(a.Server, "http") {
			t.Fatalf("server %q id %q", a.Server, a.FileID)
		}
		if a.Deterministic == (len(key) == 64) {
			t.Fatalf("deterministic %v with a %d-byte key", a.Deterministic, len(key))
		}
	})
}
