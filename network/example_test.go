package network_test

import (
	"fmt"

	"allium/network"
)

func ExampleRetrieveSigMessage() {
	// A client polling namespace 0 signs this with its Ed25519 key.
	fmt.Printf("%s\n", network.RetrieveSigMessage(network.DefaultNamespace, 1754971101000))
	fmt.Printf("%s\n", network.DeleteAllSigMessage(network.AllNamespaces(), 1754971101000))
	// Output:
	// retrieve1754971101000
	// delete_allall1754971101000
}

func ExampleNearestSwarm() {
	var pubkey [33]byte
	pubkey[0] = 0x05
	pubkey[32] = 0xf9 // swarm space 249
	id, ok := network.NearestSwarm(network.SwarmSpace(pubkey), []uint64{100, 200, 300, network.InvalidSwarmID})
	fmt.Println(id, ok)
	// Output: 200 true
}

func ExampleParseOnionPayload() {
	layer := network.AppendOnionPayload(nil, []byte("ciphertext"), []byte(`{"headers":""}`))
	ct, meta, err := network.ParseOnionPayload(layer)
	if err != nil {
		panic(err)
	}
	r, err := network.ParseRouting(meta)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %v base64=%v\n", ct, r.Kind, r.Base64)
	// Output: ciphertext final base64=true
}
