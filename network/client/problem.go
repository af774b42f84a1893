package client

import (
	"context"
	"errors"
	"net"
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
	// ProblemOffline: this computer has no way out to the network: every connection
	// failed at once because there is no route (no network interface is up, or none
	// leads anywhere). Nothing was refused or blocked by anyone else.
	ProblemOffline
	// ProblemTimeout: guards answer a direct connection, but requests relayed through
	// the paths get no answer in time (the network is slow, or throttled on the way).
	ProblemTimeout
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
	case ProblemOffline:
		return "offline"
	case ProblemTimeout:
		return "timeout"
	}
	return "none"
}

// errSeeds, errNoGuard, errPath, errSwarm, errOffline and errTimeout mark which step an ErrUnreachable failed
// at; problemOf reads them.
var (
	errSeeds   = errors.New("no seed answered")
	errNoGuard = errors.New("no guard node answered")
	errPath    = errors.New("the onion path failed")
	errSwarm   = errors.New("the swarm did not answer")
	errOffline = errors.New("this computer has no route to the network")
	errTimeout = errors.New("requests through the paths time out")
)

// problemOf is the step that err failed at.
func problemOf(err error) Problem {
	switch {
	case proxyFault(err):
		return ProblemProxy
	case errors.Is(err, errOffline):
		return ProblemOffline
	case errors.Is(err, errTimeout):
		return ProblemTimeout
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

// noRoute reports whether err is this computer's own failure to send anything out:
// the system has no route for the address (no interface up, no default route), or a
// name could not be looked up while no interface but loopback is up. It judges only
// the error of a connection the client was making anyway: the diagnosis contacts
// nothing.
func noRoute(err error) bool {
	if errors.Is(err, errNetUnreachable) || errors.Is(err, errHostUnreachable) {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns) && !interfacesUp()
}

// interfacesUp reports whether a network interface other than loopback is up.
func interfacesUp() bool {
	ifs, err := net.Interfaces()
	if err != nil {
		return true // can't tell: don't claim to be offline
	}
	for _, i := range ifs {
		if i.Flags&net.FlagUp != 0 && i.Flags&net.FlagLoopback == 0 {
			return true
		}
	}
	return false
}

// timedOut reports whether err is a connection or an answer that did not come in time
// (rather than a refusal).
func timedOut(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
