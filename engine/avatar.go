package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"image"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/protobuf/proto"

	"allium/crypto"
	"allium/engine/sessionpb"
	"allium/engine/store"
)

// Profile pictures, as Session announces them: the picture is encrypted with a random
// 32-byte profile key (AES-256-GCM with a 12-byte IV in front, the scheme every Session
// client reads), uploaded to the file server, and its URL goes in every message's
// LokiProfile.profilePicture with the key in DataMessage.profileKey. Receivers fetch it
// when the URL changes and keep it in their profile.

// Account record keys of our own avatar.
const (
	keyAvatarURL  = "avatar_url"
	keyAvatarKey  = "avatar_key"
	keyAvatarPath = "avatar_path"
)

// MaxAvatarSize bounds a profile picture, in bytes: the pictures Session's apps upload
// are small (they scale them down); anything near the file limit is not a picture.
const MaxAvatarSize = 5_000_000

// SetAvatar makes the picture at path our profile picture: it is copied into the profile,
// encrypted, uploaded, and announced with every message from then on. An empty path
// removes it. It needs the network, so call it off the UI's goroutine.
func (e *Engine) SetAvatar(ctx context.Context, path string) error {
	if path == "" {
		old := getString(e.st, keyAvatarPath)
		for _, k := range []string{keyAvatarURL, keyAvatarKey, keyAvatarPath} {
			if err := e.st.Put(store.Account, k, nil); err != nil {
				return err
			}
		}
		e.removeFiles([]store.Attachment{{Path: old}})
		return e.touchProfile()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if len(data) > MaxAvatarSize {
		return &FileTooLargeError{Name: SanitizeFileName(filepath.Base(path)), Size: int64(len(data)), Limit: MaxAvatarSize}
	}
	if _, _, err := image.DecodeConfig(bytes.NewReader(data)); err != nil {
		return ErrNotPicture
	}
	if e.files == nil {
		return ErrNoFileServer
	}
	var key crypto.ProfileKey
	if _, err := rand.Read(key[:]); err != nil {
		return err
	}
	blob, err := crypto.EncryptProfilePicture(rand.Reader, &key, data)
	if err != nil {
		return err
	}
	id, _, err := e.net.Upload(ctx, *e.files, blob, fileTTL)
	if err != nil {
		return err
	}
	rel, err := e.newFile(bytes.NewReader(data), filepath.Base(path), MaxAvatarSize)
	if err != nil {
		return err
	}
	old := getString(e.st, keyAvatarPath)
	for k, v := range map[string][]byte{keyAvatarURL: []byte(e.fileURL(id)), keyAvatarKey: key[:], keyAvatarPath: []byte(rel)} {
		if err := e.st.Put(store.Account, k, v); err != nil {
			return err
		}
	}
	e.removeFiles([]store.Attachment{{Path: old}})
	return e.touchProfile()
}

// Avatar returns the file of our own profile picture, or "" if there is none.
func (e *Engine) Avatar() string {
	if rel := getString(e.st, keyAvatarPath); rel != "" {
		return filepath.Join(e.opts.Dir, filesDir, rel)
	}
	return ""
}

// touchProfile dates our profile now, so that receivers take its picture and name as
// newer than what they have.
func (e *Engine) touchProfile() error {
	if err := e.st.Put(store.Account, keyNameUpdated, []byte(fmt.Sprint(e.now().Unix()))); err != nil {
		return err
	}
	e.syncProfile()
	return nil
}

// announceProfile puts our profile (name, picture and its key) on a message.
func (e *Engine) announceProfile(d *sessionpb.DataMessage) {
	d.Profile = e.profile()
	if u := getString(e.st, keyAvatarURL); u != "" {
		if k, ok, _ := e.st.Get(store.Account, keyAvatarKey); ok && len(k) == crypto.ProfileKeySize {
			d.Profile.ProfilePicture = proto.String(u)
			d.ProfileKey = k
		}
	}
}

// learnAvatar keeps the profile picture a sender announced and fetches it when its URL
// changed. A picture removed (an announced profile without one) is forgotten.
func (e *Engine) learnAvatar(from crypto.SessionID, p *sessionpb.LokiProfile, key []byte) {
	if p == nil {
		return
	}
	u := p.GetProfilePicture()
	conv, ok, err := e.st.Conversation(from)
	if err != nil || !ok || conv.AvatarURL == u {
		return
	}
	if u != "" && len(key) != crypto.ProfileKeySize {
		return // a picture that cannot be decrypted: keep what we have
	}
	old := conv.AvatarPath
	c, err := e.st.UpdateConversation(from, func(c *store.Conversation) {
		c.AvatarURL, c.AvatarKey, c.AvatarPath = u, key, ""
	})
	if err != nil {
		return
	}
	e.removeFiles([]store.Attachment{{Path: old}})
	e.events.push(ConversationUpdated{Conversation: e.conversationOf(c)})
	if u != "" && c.Approved {
		e.queueDownload(download{conv: from, avatar: true})
	}
}

// fetchAvatar downloads, decrypts and keeps a contact's profile picture.
func (e *Engine) fetchAvatar(from crypto.SessionID) {
	c, ok, err := e.st.Conversation(from)
	if err != nil || !ok || c.AvatarURL == "" || c.AvatarPath != "" || len(c.AvatarKey) != crypto.ProfileKeySize {
		return
	}
	rel, ok := e.fetchPicture(c.AvatarURL, c.AvatarKey)
	if !ok {
		return // fetched again the next time it is announced or the engine starts
	}
	url := c.AvatarURL
	c, err = e.st.UpdateConversation(from, func(c *store.Conversation) {
		if c.AvatarURL == url {
			c.AvatarPath = rel
		}
	})
	if err != nil || c.AvatarPath != rel {
		e.removeFiles([]store.Attachment{{Path: rel}})
		return
	}
	e.events.push(ConversationUpdated{Conversation: e.conversationOf(c)})
}

// fetchPicture downloads and decrypts a profile picture and keeps it as a file of the
// profile, whose path it returns.
func (e *Engine) fetchPicture(url string, key []byte) (string, bool) {
	id, deterministic, err := e.avatarSource(url)
	if err != nil {
		return "", false
	}
	ctx, cancel := e.fileContext()
	blob, err := e.download(ctx, id)
	cancel()
	if err != nil {
		return "", false
	}
	var plain []byte
	if deterministic {
		plain, err = crypto.DecryptAttachment((*crypto.AttachmentKey)(key), blob)
	} else {
		plain, err = crypto.DecryptProfilePicture((*crypto.ProfileKey)(key), blob)
	}
	if err != nil || len(plain) > MaxAvatarSize {
		return "", false
	}
	if _, _, err := image.DecodeConfig(bytes.NewReader(plain)); err != nil {
		return "", false // not a picture: nothing is shown rather than something that is not it
	}
	rel, err := e.newFile(bytes.NewReader(plain), "avatar", MaxAvatarSize)
	return rel, err == nil
}

// fetchOwnAvatar fetches our own profile picture when another device of the account set
// it (the UserProfile config brings its URL and key).
func (e *Engine) fetchOwnAvatar() {
	url := getString(e.st, keyAvatarURL)
	key, _, _ := e.st.Get(store.Account, keyAvatarKey)
	if url == "" || getString(e.st, keyAvatarPath) != "" || len(key) != crypto.ProfileKeySize {
		return
	}
	rel, ok := e.fetchPicture(url, key)
	if !ok {
		return
	}
	if getString(e.st, keyAvatarURL) != url || e.st.Put(store.Account, keyAvatarPath, []byte(rel)) != nil {
		e.removeFiles([]store.Attachment{{Path: rel}})
		return
	}
	e.events.push(ProfileChanged{Name: e.DisplayName()})
}

// avatarSource checks a profile picture's URL: on the network's file server, a file id,
// and whether it is deterministically encrypted.
func (e *Engine) avatarSource(raw string) (id string, deterministic bool, err error) {
	if e.files == nil {
		return "", false, ErrNoFileServer
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.EqualFold(u.Hostname(), e.files.Host) {
		return "", false, fmt.Errorf("%w: a picture on a server this network does not use", ErrInvalidAttachment)
	}
	id, ok := strings.CutPrefix(u.Path, "/file/")
	if !ok || !fileIDPattern.MatchString(id) {
		return "", false, fmt.Errorf("%w: the picture's address names no file", ErrInvalidAttachment)
	}
	for _, part := range strings.Split(u.Fragment, "&") {
		if part == "d" || strings.HasPrefix(part, "d=") {
			deterministic = true
		}
	}
	return id, deterministic, nil
}
