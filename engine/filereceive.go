package engine

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"allium/crypto"
	"allium/engine/sessionpb"
	"allium/engine/store"
	"allium/network/client"
)

// maxDownloads is how many files are fetched at once, as Session Desktop does.
const maxDownloads = 3

// download names one attachment to fetch.
type download struct {
	conv, author crypto.SessionID
	ts           int64
	index        int
	// avatar: fetch conv's profile picture instead; preview: the picture of the
	// message's link preview.
	avatar, preview bool
}

// offered turns the pointers of a received message into attachments waiting to be
// fetched. A pointer that could not be fetched or checked (ParseFilePointer refuses it,
// or the file is on a server this network does not use) is kept as a failed attachment,
// so that the message says a file was not received rather than hiding it.
func (e *Engine) offered(ptrs []*sessionpb.AttachmentPointer) []store.Attachment {
	if len(ptrs) == 0 {
		return nil
	}
	if len(ptrs) > MaxFilesPerMessage {
		ptrs = ptrs[:MaxFilesPerMessage]
	}
	out := make([]store.Attachment, 0, len(ptrs))
	for _, p := range ptrs {
		a := store.Attachment{Name: SanitizeFileName(p.GetFileName()), ContentType: plausibleContentType(p.GetContentType()),
			Size: int64(p.GetSize()), Voice: p.GetFlags()&attachmentVoiceMessage != 0, State: uint8(AttachmentOffered)}
		if w, h := p.GetWidth(), p.GetHeight(); w > 0 && h > 0 && w <= 1<<15 && h <= 1<<15 {
			a.Width, a.Height = int(w), int(h)
		}
		a.Pointer, _ = proto.Marshal(p)
		if _, err := e.fileSource(p); err != nil {
			a.State = uint8(AttachmentFailed)
		}
		out = append(out, a)
	}
	return out
}

// fileSource checks a pointer and where its file is. Files are fetched only from the
// network's own file server, through an onion path: a URL naming another host could
// learn who reads the message.
func (e *Engine) fileSource(p *sessionpb.AttachmentPointer) (FilePointer, error) {
	fp, err := ParseFilePointer(p)
	if err != nil {
		return fp, err
	}
	if e.files == nil {
		return fp, ErrNoFileServer
	}
	u, err := url.Parse(fp.Server)
	if err != nil || !strings.EqualFold(u.Hostname(), e.files.Host) {
		return fp, fmt.Errorf("%w: the file is on a server this network does not use", ErrInvalidAttachment)
	}
	return fp, nil
}

// Download fetches one attachment of a message now: a stranger's file that waits to be
// asked for, or one that failed.
func (e *Engine) Download(conv, author crypto.SessionID, ts int64, index int) error {
	m, ok, err := e.st.Message(conv, author, ts)
	if err != nil {
		return err
	}
	if !ok || index < 0 || index >= len(m.Attachments) {
		return ErrNotFound
	}
	e.queueDownload(download{conv: conv, author: author, ts: ts, index: index})
	return nil
}

// queueDownload hands a download to the workers. The queue is large; if it is ever full
// the file stays offered and Download fetches it later.
func (e *Engine) queueDownload(d download) {
	select {
	case e.downloads <- d:
	default:
	}
}

// downloadLoop fetches queued files, maxDownloads at a time, until the engine closes.
func (e *Engine) downloadLoop() {
	sem := make(chan struct{}, maxDownloads)
	for {
		select {
		case <-e.ctx.Done():
			for range maxDownloads {
				sem <- struct{}{}
			}
			return
		case d := <-e.downloads:
			sem <- struct{}{}
			go func() {
				defer func() { <-sem }()
				switch {
				case d.avatar && d.conv == e.SessionID():
					e.fetchOwnAvatar()
				case d.avatar:
					e.fetchAvatar(d.conv)
				case d.preview:
					e.fetchPreviewImage(d)
				default:
					e.fetch(d)
				}
			}()
		}
	}
}

// fetch downloads, decrypts and checks one attachment and keeps it in the profile.
func (e *Engine) fetch(d download) {
	m, ok, err := e.st.Message(d.conv, d.author, d.ts)
	if err != nil || !ok || d.index >= len(m.Attachments) {
		return
	}
	name := m.Attachments[d.index].Name
	e.fetchFile(m.Attachments[d.index], MaxFileSize, e.fileProgress(d.conv, d.author, d.ts, d.index, false),
		func(fn func(*store.Attachment)) error { return e.setAttachment(d, fn) },
		func([]byte) (string, string, error) { return name, "", nil })
}

// fetchFile downloads the file a (an attachment, or a preview's picture) points at,
// decrypts and checks it, and keeps it in the profile, recording each state it moves
// through with set. A file over limit is refused. accept checks the plaintext and says
// what to keep it under, and its content type ("" keeps the one the sender gave).
func (e *Engine) fetchFile(a store.Attachment, limit int64, progress *client.Progress, set func(func(*store.Attachment)) error, accept func([]byte) (name, contentType string, err error)) {
	switch AttachmentState(a.State) {
	case AttachmentHere, AttachmentSent, AttachmentUploading, AttachmentDownloading:
		return
	}
	failed := func(a *store.Attachment) { a.State = uint8(AttachmentFailed) }
	var p sessionpb.AttachmentPointer
	if proto.Unmarshal(a.Pointer, &p) != nil {
		set(failed)
		return
	}
	fp, err := e.fileSource(&p)
	if err != nil || int64(fp.Size) > limit {
		set(failed)
		return
	}
	set(func(a *store.Attachment) { a.State = uint8(AttachmentDownloading) })
	ctx, cancel := e.fileContext()
	if progress != nil {
		ctx = client.WithProgress(ctx, *progress)
	}
	blob, err := e.download(ctx, fp.FileID)
	cancel()
	if e.ctx.Err() != nil {
		set(func(a *store.Attachment) { a.State = uint8(AttachmentOffered) })
		return
	}
	state, rel, ct := AttachmentHere, "", a.ContentType
	switch {
	case errors.Is(err, client.ErrFileNotFound):
		state = AttachmentExpired
	case err != nil:
		state = AttachmentFailed
	default:
		plain, derr := decryptFile(&fp, blob)
		var name, got string
		if derr == nil {
			name, got, derr = accept(plain)
		}
		if derr != nil {
			state = AttachmentFailed
			break
		}
		if got != "" {
			ct = got
		}
		if rel, err = e.newFile(bytes.NewReader(plain), name, limit); err != nil {
			state = AttachmentFailed
		}
	}
	if set(func(a *store.Attachment) { a.State, a.Path, a.ContentType = uint8(state), rel, ct }) != nil && rel != "" {
		e.removeFiles([]store.Attachment{{Path: rel}}) // the message was deleted meanwhile
	}
}

// setAttachment changes one attachment of a message and tells the app.
func (e *Engine) setAttachment(d download, fn func(*store.Attachment)) error {
	m, err := e.st.UpdateMessage(d.conv, d.author, d.ts, func(m *store.Message) {
		if d.index < len(m.Attachments) {
			fn(&m.Attachments[d.index])
		}
	})
	if err != nil {
		return err
	}
	e.events.push(AttachmentsChanged{Conversation: d.conv, Author: d.author, Timestamp: d.ts, Attachments: e.attachmentsOf(m.Attachments)})
	return nil
}

// resumeDownloads queues, after a start, the files of contacts' recent messages that a
// stop interrupted or that wait their turn.
func (e *Engine) resumeDownloads() {
	convs, err := e.st.Conversations()
	if err != nil {
		return
	}
	for _, c := range convs {
		if !c.Approved || c.Blocked {
			continue
		}
		if c.AvatarURL != "" && c.AvatarPath == "" {
			e.queueDownload(download{conv: c.ID, avatar: true})
		}
		ms, err := e.st.Messages(c.ID, 0, 200)
		if err != nil {
			continue
		}
		for _, m := range ms {
			e.queueWaiting(m)
		}
	}
}

// queueWaiting asks for every file of m that waits to be fetched, and its preview's
// picture. Only received files wait (those of another of our devices too): a file sent
// from this one is here already.
func (e *Engine) queueWaiting(m store.Message) {
	e.queuePreviewImage(m)
	for i, a := range m.Attachments {
		if a.State == uint8(AttachmentOffered) || a.State == uint8(AttachmentDownloading) {
			e.queueDownload(download{conv: m.Conversation, author: m.Author, ts: m.Timestamp, index: i})
		}
	}
}

// progressEvery is how often a file's progress is told at most.
const progressEvery = 200 * time.Millisecond

// fileProgress returns the Progress of file index of a message, which tells the app as
// FileProgress events, progressEvery at most. up: an upload, else a download.
func (e *Engine) fileProgress(conv, author crypto.SessionID, ts int64, index int, up bool) *client.Progress {
	var mu sync.Mutex // a retried request's body may still be read by the last attempt
	var last time.Time
	report := func(done, total int64) {
		mu.Lock()
		now := time.Now()
		tell := now.Sub(last) >= progressEvery || done == total
		if tell {
			last = now
		}
		mu.Unlock()
		if tell {
			e.events.push(FileProgress{Conversation: conv, Author: author, Timestamp: ts, Index: index, Done: done, Total: total})
		}
	}
	if up {
		return &client.Progress{Up: report}
	}
	return &client.Progress{Down: report}
}
