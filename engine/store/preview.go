package store

import (
	"encoding/json"
	"fmt"
)

// Preview is the link preview of a message: the page it links to, the page's title, and
// a small picture of it, kept like an attachment (the sender uploads it; the recipient
// fetches it from the file server, never from the page's site).
type Preview struct {
	URL   string      `json:"url"`
	Title string      `json:"title,omitempty"`
	Image *Attachment `json:"image,omitempty"`
	// Pending marks one of ours whose page has not been fetched yet: the outbox fetches
	// it just before it uploads the message's files.
	Pending bool `json:"pending,omitempty"`
}

func appendPreview(b []byte, p *Preview) []byte {
	j, _ := json.Marshal(p) // plain fields always marshal
	return appendString(b, string(j))
}

func decodePreview(s string) (*Preview, error) {
	var p Preview
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return nil, fmt.Errorf("%w: preview: %v", ErrCorrupt, err)
	}
	return &p, nil
}
