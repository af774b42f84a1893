package client

import (
	"errors"
	"fmt"
)

var (
	// ErrUnreachable: no node of the network answered, or none of the account's swarm
	// did. Waiting and trying again may help.
	ErrUnreachable = errors.New("client: can't reach the network")
	// ErrClockWrong: the nodes refuse requests because this computer's clock is far off.
	ErrClockWrong = errors.New("client: this computer's clock is wrong")
	// ErrNotStored: the swarm answered a store, but no member stored the message.
	ErrNotStored = errors.New("client: no swarm member stored the message")
	// ErrServerUnreachable: the path worked, but its last node could not reach the server.
	ErrServerUnreachable = errors.New("client: can't reach the server")
	// ErrFileNotFound: the file server has no such file, or it has expired.
	ErrFileNotFound = errors.New("client: the file server has no such file")
	// ErrFileTooLarge: the file is empty or larger than the file server takes
	// (network.MaxFileSize).
	ErrFileTooLarge = errors.New("client: the file is too large for the file server")
	// ErrBadProxy: a proxy address that ParseProxy cannot read.
	ErrBadProxy = errors.New("client: not a proxy address")
)

// StatusError is a storage node's refusal of a request (a 4xx the client cannot cure by
// retrying elsewhere): the request itself is wrong or not allowed.
type StatusError struct {
	Method string
	Status int
	// Body is the node's explanation, as it sent it.
	Body string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("client: %s refused with %d: %s", e.Method, e.Status, e.Body)
}

// pathError is a failure of the path rather than of the destination's answer: the guard
// could not be reached, or a node of the path answered with an error status.
type pathError struct {
	status int // 0 when the guard could not be reached
	body   string
	// timeout: the guard took the request but no answer came in time.
	timeout bool
}

func (e *pathError) Error() string {
	if e.status == 0 {
		return "guard unreachable: " + e.body
	}
	return fmt.Sprintf("path error %d: %s", e.status, e.body)
}
