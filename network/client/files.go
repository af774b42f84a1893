package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"allium/network"
)

// The file server's API (network/files.go) through onion requests v4: the server sees
// an encrypted blob and its size, never who uploads or downloads it.

// NetworkSeeds returns the seeds a network file names, as a client takes them.
func NetworkSeeds(f network.NetworkFile) []Seed {
	seeds := make([]Seed, len(f.Seeds))
	for i, s := range f.Seeds {
		seeds[i] = Seed{URL: s}
	}
	return seeds
}

// FileServer returns the file server a network file names, if it names one.
func FileServer(f network.NetworkFile) (Server, error) {
	if f.FileServer == nil {
		return Server{}, errors.New("client: the network has no file server")
	}
	_, x, err := f.FileServer.Keys()
	if err != nil {
		return Server{}, fmt.Errorf("client: %w", err)
	}
	return ParseServer(f.FileServer.URL, x)
}

// Upload stores data on the file server srv for ttl (0 for the server's default; the
// server may keep it for less) and returns its id and when it expires. data is sent as
// a bare upload, as Session clients send it. Too large or empty data is
// ErrFileTooLarge; another refusal is a *StatusError.
func (c *Client) Upload(ctx context.Context, srv Server, data []byte, ttl time.Duration) (id string, expires time.Time, err error) {
	if len(data) == 0 || len(data) > network.MaxFileSize {
		return "", time.Time{}, ErrFileTooLarge
	}
	r := Request{Method: http.MethodPost, Endpoint: "/file", Body: data}
	if ttl > 0 {
		r.Headers = map[string]string{network.FileTTLHeader: strconv.FormatInt(int64((ttl+time.Second-1)/time.Second), 10)}
	}
	resp, err := c.Do(ctx, srv, r)
	if err != nil {
		return "", time.Time{}, err
	}
	if err := fileStatus("upload", resp); err != nil {
		return "", time.Time{}, err
	}
	u, err := network.ParseUploadReply(resp.Body)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("client: upload: %w", err)
	}
	return u.ID, u.Expires, nil
}

// Download fetches file id from srv. The answer is bounded by network.MaxFileSize; the
// bytes returned are the answer's own buffer, not a copy. An unknown or expired id is
// ErrFileNotFound.
func (c *Client) Download(ctx context.Context, srv Server, id string) ([]byte, error) {
	if !network.ValidFileID(id) {
		return nil, ErrFileNotFound
	}
	resp, err := c.Do(ctx, srv, Request{Method: http.MethodGet, Endpoint: "/file/" + id})
	if err != nil {
		return nil, err
	}
	if err := fileStatus("download", resp); err != nil {
		return nil, err
	}
	if len(resp.Body) > network.MaxFileSize {
		return nil, fmt.Errorf("client: download: the server sent %d bytes, more than a file may have", len(resp.Body))
	}
	return resp.Body, nil
}

// Extend asks srv to keep file id for ttl more from now (0 for the server's default)
// and returns what the server then says of it.
func (c *Client) Extend(ctx context.Context, srv Server, id string, ttl time.Duration) (network.FileInfo, error) {
	r := Request{Method: http.MethodPost, Endpoint: "/file/" + id + "/extend"}
	if ttl > 0 {
		r.Headers = map[string]string{network.FileTTLHeader: strconv.FormatInt(int64((ttl+time.Second-1)/time.Second), 10)}
	}
	return c.fileInfo(ctx, srv, id, "extend", r)
}

// FileInfo asks srv for file id's size, upload and expiry times.
func (c *Client) FileInfo(ctx context.Context, srv Server, id string) (network.FileInfo, error) {
	return c.fileInfo(ctx, srv, id, "info", Request{Method: http.MethodGet, Endpoint: "/file/" + id + "/info"})
}

func (c *Client) fileInfo(ctx context.Context, srv Server, id, what string, r Request) (network.FileInfo, error) {
	if !network.ValidFileID(id) {
		return network.FileInfo{}, ErrFileNotFound
	}
	resp, err := c.Do(ctx, srv, r)
	if err != nil {
		return network.FileInfo{}, err
	}
	if err := fileStatus(what, resp); err != nil {
		return network.FileInfo{}, err
	}
	fi, err := network.ParseFileInfo(resp.Body)
	if err != nil {
		return fi, fmt.Errorf("client: %s: %w", what, err)
	}
	return fi, nil
}

// fileStatus turns a file server's refusal into an error callers can tell apart.
func fileStatus(what string, resp Response) error {
	switch resp.Status {
	case http.StatusOK:
		return nil
	case http.StatusNotFound:
		return ErrFileNotFound
	case http.StatusRequestEntityTooLarge:
		return ErrFileTooLarge
	}
	body := resp.Body
	if len(body) > 200 {
		body = body[:200]
	}
	return &StatusError{Method: "file " + what, Status: resp.Status, Body: string(body)}
}
