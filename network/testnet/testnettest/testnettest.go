// Package testnettest starts test networks for the tests of other packages: real nodes
// on 127.0.0.1 in a directory of the test's, closed when the test ends, all catching up
// from their swarm peers at the same interval.
package testnettest

import (
	"context"
	"testing"
	"time"

	"allium/network/testnet"
)

// SyncInterval is how often the nodes of a test network catch up from their swarm peers:
// often enough that a test waiting for a copy of a message on another node waits well
// under a second, seldom enough that nine idle nodes leave the machine's cores to the tests.
const SyncInterval = 300 * time.Millisecond

// Options are the options of a test network in dir, with nodes nodes in swarms of swarm
// (zero for testnet's defaults: 9 nodes, swarms of 3). For a network that outlives one
// test, such as one a whole package shares; Start is for the rest.
func Options(dir string, nodes, swarm int) testnet.Options {
	return testnet.Options{Nodes: nodes, SwarmSize: swarm, Dir: dir, SyncInterval: SyncInterval}
}

// Start starts a network of nodes nodes in swarms of swarm (zero for testnet's defaults)
// in a temporary directory of tb's, after mods (nil ones skipped) have changed its
// options, and closes it when tb's test ends.
func Start(tb testing.TB, nodes, swarm int, mods ...func(*testnet.Options)) *testnet.Testnet {
	tb.Helper()
	opts := Options(tb.TempDir(), nodes, swarm)
	for _, mod := range mods {
		if mod != nil {
			mod(&opts)
		}
	}
	tn, err := testnet.Start(context.Background(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { tn.Close() })
	return tn
}
