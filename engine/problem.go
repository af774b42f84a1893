package engine

import "allium/network/client"

// Problem says which step of reaching the network fails while the status is Offline,
// for the app and the command line to word.
type Problem uint8

const (
	// NoProblem: online, or nothing has failed yet.
	NoProblem Problem = iota
	// ProblemSeeds: no seed node answered the request for the list of nodes (and none
	// is known from before), though this computer has a route to them: they refused,
	// dropped or did not answer the connection. Often the network is blocked.
	ProblemSeeds
	// ProblemGuard: no node answered a direct connection, the first hop of every path.
	ProblemGuard
	// ProblemPath: the first node answers, but requests through the paths fail.
	ProblemPath
	// ProblemSwarm: the nodes that keep the messages do not answer.
	ProblemSwarm
	// ProblemProxy: the proxy the profile connects through does not answer, or refuses
	// its user name and password. Nothing is tried without it.
	ProblemProxy
	// ProblemOffline: this computer is offline: it has no route to anywhere, so no
	// connection could even be tried. Nothing blocks Allium; the computer needs a
	// network.
	ProblemOffline
	// ProblemTimeout: nodes answer, but requests through the paths time out: the
	// network is very slow, or throttled on the way.
	ProblemTimeout
)

// String names the problem for logs and scripts.
func (p Problem) String() string { return client.Problem(p).String() }

// problemOf is the engine's problem for the client's.
func problemOf(p client.Problem) Problem {
	switch p {
	case client.ProblemSeeds:
		return ProblemSeeds
	case client.ProblemGuard:
		return ProblemGuard
	case client.ProblemPath:
		return ProblemPath
	case client.ProblemSwarm:
		return ProblemSwarm
	case client.ProblemProxy:
		return ProblemProxy
	case client.ProblemOffline:
		return ProblemOffline
	case client.ProblemTimeout:
		return ProblemTimeout
	}
	return NoProblem
}

// Problem returns the step that fails while Offline (NoProblem otherwise).
func (e *Engine) Problem() Problem {
	_, p := unpackState(e.status.Load())
	return p
}

// The status and its problem are kept in one word, so that readers never see one
// without the other.
func packState(s Status, p Problem) uint32 { return uint32(s) | uint32(p)<<8 }

func unpackState(v uint32) (Status, Problem) { return Status(v & 0xff), Problem(v >> 8) }
