package store

import (
	"encoding/json"
	"fmt"

	"allium/crypto"
)

// Attachment is a file of a message. The store keeps what the engine needs to send it,
// fetch it and show it; the file's bytes live in the profile's files directory, named by
// Path.
type Attachment struct {
	Name        string `json:"name,omitempty"`
	ContentType string `json:"type,omitempty"`
	Size        int64  `json:"size"`
	Voice       bool   `json:"voice,omitempty"`
	Width       int    `json:"w,omitempty"`
	Height      int    `json:"h,omitempty"`
	// Pointer is the encoded AttachmentPointer the message carries on the wire, once it is
	// known (received, or uploaded by us).
	Pointer []byte `json:"ptr,omitempty"`
	// State is engine-defined (uploading, here, waiting for a download, failed, ...).
	State uint8 `json:"state"`
	// Path names the file in the files directory once it is there; empty otherwise.
	Path string `json:"path,omitempty"`
}

// maxAttachments bounds the attachments of one message record.
const maxAttachments = 32

func appendAttachments(b []byte, as []Attachment) []byte {
	j, _ := json.Marshal(as) // plain fields always marshal
	return appendString(b, string(j))
}

func decodeAttachments(s string) ([]Attachment, error) {
	var as []Attachment
	if err := json.Unmarshal([]byte(s), &as); err != nil {
		return nil, fmt.Errorf("%w: attachments: %v", ErrCorrupt, err)
	}
	if len(as) > maxAttachments {
		return nil, fmt.Errorf("%w: %d attachments", ErrCorrupt, len(as))
	}
	if len(as) == 0 {
		return nil, nil // a message without files has none, however the record wrote it
	}
	return as, nil
}

// SetAttachments replaces the attachments of a message (an upload or a download moved
// on) and returns the message. It returns ErrNotFound if the message is gone.
func (s *Store) SetAttachments(conv, author crypto.SessionID, ts int64, as []Attachment) (Message, error) {
	return s.UpdateMessage(conv, author, ts, func(m *Message) { m.Attachments = as })
}
