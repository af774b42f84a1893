package client

import (
	"errors"
)

// Problem says which step of reaching the network fails while the client is Offline,
// so that the owner can tell people what is happening (the client words nothing).
type Problem uint8

const (
	// NoProblem: online, or nothing has failed yet.
	NoProblem Problem = iota
	// ProblemSeeds: no seed answered the request for the node list, and no nodes are
	// known from before.
	ProblemSeeds
	// ProblemGuard: nodes are known, but none answered a direct connection (the first
	// hop of every path).
	ProblemGuard
	// ProblemPath: a guard answers, but requests relayed through the paths fail.
	ProblemPath
	// ProblemSwarm: requests go through the paths, but the swarm's nodes do not answer.
	ProblemSwarm
	// ProblemProxy: the proxy set in Options cannot be reached, or refuses its user
	// name and password; nothing is tried without it.
	ProblemProxy
)

// String names the problem for logs and scripts.
func (p Problem) String() string {
	switch p {
	case ProblemSeeds:
		return "seeds"
	case ProblemGuard:
		return "guard"
	case ProblemPath:
		return "path"
	case ProblemSwarm:
		return "swarm"
	case ProblemProxy:
		return "proxy"
	}
	return "none"
}

// errSeeds, errNoGuard, errPath and errSwarm mark which step an ErrUnreachable failed
// at; problemOf reads them.
var (
	errSeeds   = errors.New("no seed answered")
	errNoGuard = errors.New("no guard node answered")
	errPath    = errors.New("the onion path failed")
	errSwarm   = errors.New("the swarm did not answer")
)

// problemOf is the step that err failed at.
func problemOf(err error) Problem {
	switch {
	case proxyFault(err):
		return ProblemProxy
	case errors.Is(err, errSeeds):
		return ProblemSeeds
	case errors.Is(err, errNoGuard):
		return ProblemGuard
	case errors.Is(err, errPath):
		return ProblemPath
	case errors.Is(err, errSwarm):
		return ProblemSwarm
	}
	return NoProblem
}

// Problem returns the step that fails while Offline (NoProblem otherwise).
func (c *Client) Problem() Problem { return Problem(c.problem.Load()) }

// setOffline records that the network cannot be reached, and at which step err failed.
func (c *Client) setOffline(err error) { c.setState(Offline, problemOf(err)) }
