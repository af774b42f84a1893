package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"
)

// The file server's API (attachments.md §1.2) is HTTP inside onion requests v4: POST
// /file with the raw bytes, GET /file/<id>, POST /file/<id>/extend, GET /file/<id>/info.
// Its JSON replies carry times as float unix seconds.

// MaxFileSize is the largest file the file server takes: the size Session's
// deterministic attachment encryption gives the largest plaintext clients send
// (10,000,000 bytes), so that every attachment a Session client makes fits.
const MaxFileSize = 10_223_616

// FileTTLHeader is the upload and extend header asking for a lifetime in seconds.
const FileTTLHeader = "X-FS-TTL"

// ErrBadFileReply is wrapped by every error about a file server's JSON reply.
var ErrBadFileReply = errors.New("network: bad file server reply")

// ValidFileID reports whether id has one of the two forms a file server hands out: a
// decimal number below 2^53 without leading zeros (Session's backwards-compatible ids,
// which older clients keep as numbers), or 44 characters of URL-safe base64 (a
// content hash).
func ValidFileID(id string) bool {
	switch {
	case len(id) == 44:
		for i := 0; i < len(id); i++ {
			c := id[i]
			if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
		return true
	case len(id) >= 1 && len(id) <= 16:
		if id[0] == '0' {
			return false
		}
		var n uint64
		for i := 0; i < len(id); i++ {
			c := id[i]
			if c < '0' || c > '9' {
				return false
			}
			n = n*10 + uint64(c-'0')
		}
		return n < 1<<53
	}
	return false
}

// UploadReply is the file server's answer to POST /file.
type UploadReply struct {
	ID      string
	Expires time.Time
}

// FileInfo is the file server's answer to GET /file/<id>/info and POST
// /file/<id>/extend.
type FileInfo struct {
	Size     int64
	Uploaded time.Time
	Expires  time.Time
}

// FloatTime is a time as the file server writes it: unix seconds with a fraction.
func FloatTime(t time.Time) float64 { return float64(t.UnixMicro()) / 1e6 }

func fromFloat(s float64) (time.Time, bool) {
	// Up to the year 9999; NaN and infinities are not JSON, so they never arrive.
	if s < 0 || s > 253402300799 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(s)
	return time.Unix(int64(sec), int64(frac*1e9)), true
}

// MarshalJSON writes {"id": "<id>", "expires": <float>}, as Session's server does
// (without expires when it is the zero time).
func (r UploadReply) MarshalJSON() ([]byte, error) {
	var exp *float64
	if !r.Expires.IsZero() {
		e := FloatTime(r.Expires)
		exp = &e
	}
	return json.Marshal(struct {
		ID      string   `json:"id"`
		Expires *float64 `json:"expires,omitempty"`
	}{r.ID, exp})
}

// ParseUploadReply reads the answer to POST /file. The id may come as a string or, from
// the oldest servers, as a number; it must be a ValidFileID. A missing expiry is the
// zero time.
func ParseUploadReply(b []byte) (UploadReply, error) {
	var r UploadReply
	var raw struct {
		ID      json.RawMessage `json:"id"`
		Expires *float64        `json:"expires"`
	}
	if !isJSONObject(b) || json.Unmarshal(b, &raw) != nil {
		return r, fmt.Errorf("%w: not a JSON object", ErrBadFileReply)
	}
	var id string
	if json.Unmarshal(raw.ID, &id) != nil {
		var n json.Number
		if json.Unmarshal(raw.ID, &n) != nil {
			return r, fmt.Errorf("%w: no id", ErrBadFileReply)
		}
		id = n.String()
	}
	if !ValidFileID(id) {
		return r, fmt.Errorf("%w: id %q", ErrBadFileReply, id)
	}
	r.ID = id
	if raw.Expires != nil {
		t, ok := fromFloat(*raw.Expires)
		if !ok {
			return r, fmt.Errorf("%w: expires %v", ErrBadFileReply, *raw.Expires)
		}
		r.Expires = t
	}
	return r, nil
}

// MarshalJSON writes {"size": n, "uploaded": <float>, "expires": <float>}.
func (f FileInfo) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Size     int64   `json:"size"`
		Uploaded float64 `json:"uploaded"`
		Expires  float64 `json:"expires"`
	}{f.Size, FloatTime(f.Uploaded), FloatTime(f.Expires)})
}

// ParseFileInfo reads the answer to GET /file/<id>/info or POST /file/<id>/extend; all
// three fields are required.
func ParseFileInfo(b []byte) (FileInfo, error) {
	var f FileInfo
	var raw struct {
		Size     *int64   `json:"size"`
		Uploaded *float64 `json:"uploaded"`
		Expires  *float64 `json:"expires"`
	}
	if !isJSONObject(b) || json.Unmarshal(b, &raw) != nil {
		return f, fmt.Errorf("%w: not a JSON object", ErrBadFileReply)
	}
	if raw.Size == nil || raw.Uploaded == nil || raw.Expires == nil {
		return f, fmt.Errorf("%w: size, uploaded or expires missing", ErrBadFileReply)
	}
	if *raw.Size < 0 {
		return f, fmt.Errorf("%w: size %d", ErrBadFileReply, *raw.Size)
	}
	var ok1, ok2 bool
	f.Size = *raw.Size
	f.Uploaded, ok1 = fromFloat(*raw.Uploaded)
	f.Expires, ok2 = fromFloat(*raw.Expires)
	if !ok1 || !ok2 {
		return f, fmt.Errorf("%w: a time out of range", ErrBadFileReply)
	}
	return f, nil
}
