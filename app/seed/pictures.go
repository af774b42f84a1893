package seed

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"time"

	"allium/crypto"
	"allium/engine"
	"allium/engine/store"
)

// Pictures adds n messages of one photo each (1600×1200 JPEGs, as a phone sends them)
// between me and other to the profile in dir (its engine must not be running), a minute
// apart and ending now, each with its own copy of the file, and names the conversation.
// Every third photo has a caption.
func Pictures(dir string, me, other crypto.SessionID, name string, n int) error {
	files := filepath.Join(dir, "files") // the engine's folder of files in a profile
	if err := os.MkdirAll(files, 0o700); err != nil {
		return err
	}
	// A few different photos, so that the thumbnails differ.
	var photos [][]byte
	for s := range 4 {
		img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
		for y := range 1200 {
			for x := range 1600 {
				img.SetRGBA(x, y, color.RGBA{uint8(x/7 + s*60), uint8(y / 5), uint8((x + y) / 11), 255})
			}
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
			return err
		}
		photos = append(photos, b.Bytes())
	}
	st, err := store.Open(dir)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.UpdateConversation(other, func(c *store.Conversation) { c.Name = name; c.Approved = true; c.ApprovedMe = true }); err != nil {
		return err
	}
	now := time.Now().UnixMilli()
	msgs := make([]store.Message, n)
	for i := range msgs {
		rel := fmt.Sprintf("%024d.jpg", i)
		data := photos[i%len(photos)]
		if err := os.WriteFile(filepath.Join(files, rel), data, 0o600); err != nil {
			return err
		}
		m := store.Message{Conversation: other, Timestamp: now - int64(n-i)*60_000}
		a := store.Attachment{Name: fmt.Sprintf("photo-%d.jpg", i), ContentType: "image/jpeg", Size: int64(len(data)), Width: 1600, Height: 1200, Path: rel}
		if i%2 == 0 {
			m.Author, m.Direction, m.State = me, store.Outgoing, store.Read
			a.State = uint8(engine.AttachmentSent)
		} else {
			m.Author, m.Direction, m.State = other, store.Incoming, store.Read
			a.State = uint8(engine.AttachmentHere)
		}
		if i%3 == 0 {
			m.Body = fmt.Sprintf("Photo %d", i)
		}
		m.Attachments = []store.Attachment{a}
		msgs[i] = m
	}
	if _, err := st.AddMessages(msgs); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}
