package spool_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"allium/network"
	"allium/network/node/spool"
)

func Example() {
	dir, err := os.MkdirTemp("", "store-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := spool.Open(filepath.Join(dir, "messages.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	var pk [33]byte
	pk[0] = 0x05
	now := time.Now().UnixMilli()
	for _, text := range []string{"first", "second", "first"} {
		data := []byte(text)
		inserted, err := s.Put(spool.Message{
			Pubkey:    pk,
			Namespace: network.DefaultNamespace,
			Hash:      network.MessageHash(pk, network.DefaultNamespace, data),
			Timestamp: now,
			Expiry:    now + 14*24*3600*1000,
			Data:      data,
		})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(text, "inserted:", inserted)
	}

	// A client polls with the last hash it has seen; at first it has none.
	msgs, more, err := s.Retrieve(pk, network.DefaultNamespace, "", 1, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s (more: %v)\n", msgs[0].Data, more)
	msgs, more, err = s.Retrieve(pk, network.DefaultNamespace, msgs[0].Hash, 1, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s (more: %v)\n", msgs[0].Data, more)
	// Output:
	// first inserted: true
	// second inserted: true
	// first inserted: false
	// first (more: true)
	// second (more: false)
}
