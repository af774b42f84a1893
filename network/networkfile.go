package network

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"

	"allium/crypto"
)

// NetworkFile describes a private network for clients: its name and the seed nodes to
// bootstrap from (`allium-node testnet` writes one). The seeds answer the seed call
// get_n_service_nodes with every node of the network. FileServer, if set, is the
// network's file server, which clients reach through onion requests v4.
type NetworkFile struct {
	Name       string          `json:"name"`
	Seeds      []string        `json:"seeds"`
	FileServer *FileServerKeys `json:"file_server,omitempty"`
}

// FileServerKeys names a file server: its base URL (http or https, as the last node of
// a path posts to it) and its keys in hex. The X25519 key, to which requests are
// encrypted, must be the one the Ed25519 key converts to, as for Session's server.
type FileServerKeys struct {
	URL     string `json:"url"`
	Ed25519 string `json:"ed25519"`
	X25519  string `json:"x25519"`
}

// Keys returns the file server's keys, checked.
func (k FileServerKeys) Keys() (ed, x [32]byte, err error) {
	u, perr := url.Parse(k.URL)
	if perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || (u.Path != "" && u.Path != "/") {
		return ed, x, fmt.Errorf("file server %q is not an http(s) URL", k.URL)
	}
	eb, err1 := hex.DecodeString(k.Ed25519)
	xb, err2 := hex.DecodeString(k.X25519)
	if err1 != nil || err2 != nil || len(eb) != 32 || len(xb) != 32 {
		return ed, x, errors.New("file server keys are not 64 hex digits each")
	}
	conv, cerr := crypto.Ed25519PublicToX25519(eb)
	if cerr != nil || !bytes.Equal(conv[:], xb) {
		return ed, x, errors.New("file server's x25519 key is not its ed25519 key's")
	}
	return [32]byte(eb), [32]byte(xb), nil
}

// LoadNetworkFile reads and checks a network file.
func LoadNetworkFile(path string) (NetworkFile, error) {
	var f NetworkFile
	b, err := os.ReadFile(path)
	if err != nil {
		return f, fmt.Errorf("network: %w", err)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("network: %s is not a network file: %w", path, err)
	}
	if err := f.check(); err != nil {
		return f, fmt.Errorf("network: %s: %w", path, err)
	}
	return f, nil
}

func (f NetworkFile) check() error {
	if len(f.Seeds) == 0 {
		return errors.New("no seeds")
	}
	for _, s := range f.Seeds {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("seed %q is not an http(s) URL", s)
		}
	}
	if f.FileServer != nil {
		if _, _, err := f.FileServer.Keys(); err != nil {
			return err
		}
	}
	return nil
}

// WriteNetworkFile writes f to path.
func WriteNetworkFile(path string, f NetworkFile) error {
	if err := f.check(); err != nil {
		return fmt.Errorf("network: %w", err)
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
