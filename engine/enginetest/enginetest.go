// Package enginetest makes accounts for the tests of other packages.
package enginetest

import (
	"testing"

	"allium/crypto"
	"allium/engine"
	"allium/network/testnet"
)

// User creates an account named name in a temporary directory of tb's, on net (or on no
// network yet if net is nil), and returns its profile directory and Session ID.
func User(tb testing.TB, net *testnet.Testnet, name string) (dir string, id crypto.SessionID) {
	tb.Helper()
	dir = tb.TempDir()
	network := ""
	if net != nil {
		network = net.NetworkFile()
	}
	ident, err := engine.Create(dir, network, name)
	if err != nil {
		tb.Fatal(err)
	}
	return dir, ident.SessionID()
}
