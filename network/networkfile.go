package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
)

// NetworkFile describes a private network for clients: its name and the seed nodes to
// bootstrap from (`allium-node testnet` writes one). The seeds answer the seed call
// get_n_service_nodes with every node of the network.
type NetworkFile struct {
	Name  string   `json:"name"`
	Seeds []string `json:"seeds"`
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
