package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"allium/network"
)

// Server is an HTTP server reached with onion requests v4 (the file server, a community
// server): where the last node of a path posts the request, and the server's X25519 key.
type Server struct {
	// Host, Port and Protocol ("http" or "https") say where the last node posts.
	Host     string
	Port     uint16
	Protocol string
	X25519   [32]byte
}

// ParseServer reads a server's base URL (such as http://filev2.getsession.org) and its
// X25519 key.
func ParseServer(base string, x25519 [32]byte) (Server, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return Server{}, fmt.Errorf("client: %q is not an http or https URL", base)
	}
	s := Server{Host: u.Hostname(), Protocol: u.Scheme, X25519: x25519}
	if p := u.Port(); p != "" {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 {
			return Server{}, fmt.Errorf("client: %q has a bad port", base)
		}
		s.Port = uint16(n)
	}
	return s, nil
}

func (s Server) hop() network.ServerHop {
	return network.ServerHop{Host: s.Host, Port: s.Port, Protocol: s.Protocol, X25519: s.X25519}
}

// Request is an HTTP request to a Server.
type Request = network.V4Request

// Response is a Server's answer.
type Response = network.V4Response

// Do sends r to srv as an onion request v4 through one of the client's paths and returns
// the server's answer, whatever its status. A failing path is struck and the request
// tried on another; when the path works but its last node cannot reach the server, Do
// fails with ErrServerUnreachable.
func (c *Client) Do(ctx context.Context, srv Server, r Request) (Response, error) {
	var lastErr error = ErrUnreachable
	for range attempts {
		if err := ctx.Err(); err != nil {
			return Response{}, err
		}
		if err := c.ensurePaths(ctx); err != nil {
			if ctx.Err() != nil {
				return Response{}, ctx.Err()
			}
			c.setOffline(err)
			return Response{}, fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		pa, ok := c.pool.anyPath()
		if !ok {
			return Response{}, fmt.Errorf("%w: no path", ErrUnreachable)
		}
		rctx, cancel := c.requestContext(ctx, 60*time.Second)
		resp, err := c.tr.onionToServer(rctx, pa.nodes, srv, r)
		cancel()
		var pe *pathError
		switch {
		case errors.As(err, &pe):
			if serverUnreachable(pe) {
				// The path reached its last node, which could not reach the server:
				// another path will not do better.
				c.setStatus(Online)
				return Response{}, fmt.Errorf("%w: %s", ErrServerUnreachable, pe.body)
			}
			lastErr = fmt.Errorf("%w: %v", ErrUnreachable, pe)
			c.strikeForPathError(pa, [32]byte{}, pe)
			continue
		case err != nil:
			if proxyFault(err) {
				c.setOffline(err)
			}
			return Response{}, err
		}
		c.setStatus(Online)
		return resp, nil
	}
	return Response{}, lastErr
}

// serverUnreachable tells a last node's failure to reach the server (or its refusal to
// relay there) from a failure of the path.
func serverUnreachable(pe *pathError) bool {
	switch pe.status {
	case http.StatusBadGateway:
		return pe.body == "Server unreachable"
	case http.StatusForbidden:
		return len(pe.body) > 10 && pe.body[:10] == "Forbidden:"
	}
	return false
}
