package engine_test

import (
	"context"
	"testing"
	"time"

	"allium/crypto"
	"allium/engine"
	"allium/network/testnet/testnettest"
)

// BenchmarkRestore500Contacts restores an account of 500 contacts on a local testnet:
// from opening the restored profile to every contact being a conversation with its name
// (what the window shows), which is one op.
func BenchmarkRestore500Contacts(b *testing.B) {
	tn := testnettest.Start(b, 9, 3)
	owner := newUser(b, tn, "Owner")
	for i := 0; i < 500; i++ {
		id := crypto.NewIdentityFromEd25519Seed([32]byte{byte(i), byte(i >> 8), 1}).SessionID()
		if err := owner.e.SetContactName(id, "Contact "+id.String()[:8]); err != nil {
			b.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := owner.e.SyncConfigs(ctx); err != nil {
		b.Fatal(err)
	}
	phrase := owner.e.Phrase()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		if _, err := engine.Restore(dir, tn.NetworkFile(), phrase, ""); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		u := &user{t: b, dir: dir, net: tn.NetworkFile()}
		u.open()
		waitRestored(u)
		convs, err := u.e.Conversations()
		if err != nil || len(convs) != 500 {
			b.Fatalf("%d conversations, %v", len(convs), err)
		}
		for _, c := range convs {
			if !c.Approved || c.Name == "" {
				b.Fatalf("conversation %+v", c)
			}
		}
		b.StopTimer()
		u.close()
		b.StartTimer()
	}
}
