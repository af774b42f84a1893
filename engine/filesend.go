package engine

import (
	"errors"
	"fmt"
	"image"
	_ "image/gif" // pictures' sizes, for the recipient's layout
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"allium/crypto"
	"allium/engine/sessionpb"
	"allium/engine/store"
	"allium/media/exif"
	"allium/network/client"
)

// MaxFilesPerMessage bounds the files of one message, as Session Desktop does.
const MaxFilesPerMessage = 32

// SendFiles sends files, with text as their caption (it may be empty), in one message.
// The files are copied into the profile at once, then encrypted and uploaded to the file
// server in the background, as part of the outbox: MessageQueued fires at once with the
// attachments Uploading, AttachmentsChanged as each is uploaded, then MessageStatusChanged
// as for any message. A crash or a lost connection resumes the upload; the message that
// points at the files is stored only once every file is uploaded. A file over
// MaxFileSize is a *FileTooLargeError, and nothing is queued.
func (e *Engine) SendFiles(to crypto.SessionID, text string, files []File) (Message, error) {
	if len(files) == 0 {
		return e.Send(to, text)
	}
	if len(files) > MaxFilesPerMessage {
		return Message{}, &TooLongError{What: "files", Length: len(files), Limit: MaxFilesPerMessage}
	}
	if n := MessageLength(text); n > MaxMessageLength {
		return Message{}, &TooLongError{What: "message", Length: n, Limit: MaxMessageLength}
	}
	if e.files == nil {
		return Message{}, ErrNoFileServer
	}
	// Every size is checked before anything is copied.
	for _, f := range files {
		fi, err := os.Stat(f.Path)
		if err != nil {
			return Message{}, fmt.Errorf("engine: %w", err)
		}
		if fi.Size() > MaxFileSize {
			name := f.Name
			if name == "" {
				name = filepath.Base(f.Path)
			}
			return Message{}, &FileTooLargeError{Name: SanitizeFileName(name), Size: fi.Size(), Limit: MaxFileSize}
		}
	}
	conv, exists, err := e.st.Conversation(to)
	if err != nil {
		return Message{}, err
	}
	if exists && !conv.Approved {
		if err := e.Accept(to); err != nil {
			return Message{}, err
		}
		conv.Approved = true
	}
	atts := make([]store.Attachment, 0, len(files))
	for _, f := range files {
		a, err := e.copyIn(f)
		if err != nil {
			e.removeFiles(atts)
			return Message{}, err
		}
		a.Width, a.Height = e.pictureSize(filepath.Join(e.opts.Dir, filesDir, a.Path))
		atts = append(atts, a)
	}
	return e.queueUpload(to, text, conv, atts, e.pendingPreview(text))
}

// queueUpload writes a message whose files or link preview are still to be uploaded to
// the outbox, as one upload item (see upload).
func (e *Engine) queueUpload(to crypto.SessionID, text string, conv store.Conversation, atts []store.Attachment, preview *store.Preview) (Message, error) {
	e.learnClock()
	ts := e.nextTimestamp()
	ttl := ttlContent
	m := store.Message{Conversation: to, Author: e.SessionID(), Timestamp: ts, Direction: store.Outgoing, Body: text,
		State: store.Pending, ExpireMode: conv.ExpireMode, ExpireTimer: conv.ExpireTimer, Attachments: atts, Preview: preview}
	if conv.ExpireMode == store.ExpireAfterSend && conv.ExpireTimer > 0 {
		ttl = time.Duration(conv.ExpireTimer) * time.Second
		m.ExpiresAt = ts + ttl.Milliseconds()
	}
	// The upload item stands for the whole message until the files are on the server;
	// it is then replaced, in one transaction, by the items that store the message.
	up := store.OutboxItem{Recipient: to, Timestamp: ts, TTL: ttl.Milliseconds(), NextAttempt: ts, Conversation: to, Kind: kindUpload}
	if err := e.st.AddOutgoing(m, up); err != nil {
		e.removeFiles(atts)
		return Message{}, err
	}
	queued := e.messageOf(m)
	if c, ok, err := e.st.Conversation(to); err == nil && ok {
		e.events.push(MessageQueued{Message: queued, Conversation: e.conversationOf(c)})
		e.events.push(ConversationUpdated{Conversation: e.conversationOf(c)})
	}
	wake(e.sendWake)
	return queued, nil
}

// pictureSize reads a picture's size from its header; 0, 0 for anything else.
func (e *Engine) pictureSize(path string) (int, int) {
	f, err := e.openOwn(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	// The profile's copy is sealed and cannot seek: the header and the Exif orientation
	// are both read from its first bytes.
	orientation, r := exif.Peek(f)
	c, _, err := image.DecodeConfig(r)
	if err != nil || c.Width <= 0 || c.Height <= 0 {
		return 0, 0
	}
	// The size as shown: a photo taken on its side is shown upright, as browsers and
	// Session's clients show it.
	if exif.Swaps(orientation) {
		return c.Height, c.Width
	}
	return c.Width, c.Height
}

// upload tries, once, to upload what is not yet uploaded of a message's files and to build
// and upload its link preview; when all are, it replaces the upload item with the items that store the message.
func (e *Engine) upload(it store.OutboxItem) {
	me := e.SessionID()
	m, ok, err := e.st.Message(it.Conversation, me, it.Timestamp)
	if err != nil {
		return
	}
	if !ok { // deleted or cancelled meanwhile
		e.st.Finish(it.ID, it.Conversation, me, it.Timestamp, 0, "")
		return
	}
	if e.now().UnixMilli() > it.Timestamp+it.TTL {
		e.finish(it, store.Failed, FailedExpired)
		return
	}
	ptrs := make([]*sessionpb.AttachmentPointer, len(m.Attachments))
	for i := range m.Attachments {
		a := &m.Attachments[i]
		if len(a.Pointer) > 0 {
			var p sessionpb.AttachmentPointer
			if proto.Unmarshal(a.Pointer, &p) == nil {
				ptrs[i] = &p
				continue
			}
		}
		data, err := e.readOwn(filepath.Join(e.opts.Dir, filesDir, a.Path))
		if err != nil {
			// The copy in the profile is gone: nothing can bring it back.
			e.finish(it, store.Failed, FailedRefused)
			return
		}
		p, err := e.uploadFile(a, data, true, e.fileProgress(m.Conversation, me, m.Timestamp, i, true))
		if e.ctx.Err() != nil {
			return
		}
		if err != nil {
			e.retryLater(it, err)
			return
		}
		ptrs[i] = p
		a.Pointer, _ = proto.Marshal(p)
		a.State = uint8(AttachmentSent)
		if m, err = e.st.SetAttachments(m.Conversation, me, m.Timestamp, m.Attachments); err != nil {
			return
		}
		e.events.push(AttachmentsChanged{Conversation: m.Conversation, Author: me, Timestamp: m.Timestamp, Attachments: e.attachmentsOf(m.Attachments)})
	}
	preview, ok := e.preparePreview(it, &m)
	if !ok {
		return
	}
	d := &sessionpb.DataMessage{Attachments: ptrs}
	if preview != nil {
		d.Preview = []*sessionpb.DataMessage_Preview{preview}
	}
	e.announceProfile(d)
	if m.Body != "" {
		d.Body = proto.String(m.Body)
	}
	c := &sessionpb.Content{DataMessage: d}
	if m.ExpireMode != store.ExpireNone && m.ExpireTimer > 0 {
		c.ExpirationType = sessionpb.Content_ExpirationType(m.ExpireMode).Enum()
		c.ExpirationTimer = proto.Uint32(m.ExpireTimer)
	}
	payload, err := e.seal(it.Conversation, it.Timestamp, c)
	if err != nil {
		return
	}
	items := []store.OutboxItem{{Recipient: it.Conversation, Timestamp: it.Timestamp, Payload: payload, TTL: it.TTL,
		NextAttempt: 0, Conversation: it.Conversation, Kind: kindVisible}}
	if it.Conversation != me {
		d.SyncTarget = proto.String(it.Conversation.String())
		sync, err := e.seal(me, it.Timestamp, c)
		if err != nil {
			return
		}
		items = append(items, store.OutboxItem{Recipient: me, Timestamp: it.Timestamp, Payload: sync, TTL: it.TTL,
			Conversation: it.Conversation, Kind: kindSyncCopy})
	}
	if err := e.st.Replace(it.ID, items...); err == nil {
		wake(e.sendWake)
	}
}

// uploadFile encrypts one file and uploads it, and returns its pointer for the message.
// It sends Session Desktop's default scheme (see encryptFile).
// progress, if set, is told how the upload goes.
func (e *Engine) uploadFile(a *store.Attachment, data []byte, pad bool, progress *client.Progress) (*sessionpb.AttachmentPointer, error) {
	blob, key, digest, err := encryptFile(data, pad)
	if err != nil {
		return nil, err
	}
	ctx, cancel := e.fileContext()
	defer cancel()
	if progress != nil {
		ctx = client.WithProgress(ctx, *progress)
	}
	id, _, err := e.net.Upload(ctx, *e.files, blob, fileTTL)
	if err != nil {
		return nil, err
	}
	p := &sessionpb.AttachmentPointer{
		// deprecated_id is required on the wire: the numeric id when the server gave one,
		// as Session Desktop sets it, else 0.
		Id:          proto.Uint64(numericID(id)),
		ContentType: proto.String(a.ContentType),
		Key:         key,
		Size:        proto.Uint32(uint32(len(data))),
		Digest:      digest,
		FileName:    proto.String(a.Name),
		Url:         proto.String(e.fileURL(id)),
	}
	if a.Voice {
		p.Flags = proto.Uint32(uint32(sessionpb.AttachmentPointer_VOICE_MESSAGE))
	}
	if a.Width > 0 && a.Height > 0 {
		p.Width, p.Height = proto.Uint32(uint32(a.Width)), proto.Uint32(uint32(a.Height))
	}
	return p, nil
}

func numericID(id string) uint64 {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// fileURL is the URL of an uploaded file, as attachment pointers carry it.
func (e *Engine) fileURL(id string) string {
	return strings.TrimSuffix(e.filesURL, "/") + "/file/" + id
}

// retryLater counts a failed attempt of an outbox item and schedules the next, backing
// off; a visible message shows as failed after failAfter attempts and keeps being retried.
func (e *Engine) retryLater(it store.OutboxItem, err error) {
	reason := FailedOffline
	if errors.Is(err, ErrClockWrong) {
		reason = FailedClockWrong
	}
	it.Attempts++
	backoff := min(maxBackoff, time.Second<<min(it.Attempts, 10))
	it.NextAttempt = e.now().Add(backoff).UnixMilli()
	e.st.UpdateOutbox(it)
	if (it.Kind == kindVisible || it.Kind == kindUpload) && it.Attempts >= failAfter {
		e.setMessageState(it.Conversation, it.Timestamp, store.Failed, reason)
	}
}
