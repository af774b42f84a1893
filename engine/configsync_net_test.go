package engine_test

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/chacha20poly1305"

	"allium/crypto"
	"allium/engine"
	"allium/network"
	"allium/network/client"
	"allium/network/testnet"
	"allium/network/testnet/testnettest"
)

// restoreUser restores phrase into a new profile on tn, as another device of the account.
func restoreUser(t *testing.T, tn *testnet.Testnet, phrase string) *user {
	t.Helper()
	dir := t.TempDir()
	ident, err := engine.Restore(dir, tn.NetworkFile(), phrase, "")
	if err != nil {
		t.Fatal(err)
	}
	u := &user{t: t, dir: dir, net: tn.NetworkFile(), id: ident.SessionID()}
	u.open()
	return u
}

func (u *user) conv(id crypto.SessionID) engine.Conversation {
	c, _, _ := u.e.Conversation(id)
	return c
}

// until waits up to 60 s for cond, which polls and pushes bring about.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func waitRestored(u *user) {
	u.waitEvent("the restore", func(ev engine.Event) bool { _, ok := ev.(engine.RestoreFinished); return ok })
}

// TestConfigSyncOnTestnet: two devices of one account on a real testnet change names,
// nicknames, blocks and read state at the same time and converge; a restore afterwards
// sees all of it.
func TestConfigSyncOnTestnet(t *testing.T) {
	tn := testnettest.Start(t, 9, 3)
	a1 := newUser(t, tn, "Alice")
	bob := newUser(t, tn, "Bob")
	carol := newUser(t, tn, "Carol")
	a2 := restoreUser(t, tn, a1.e.Phrase())
	waitRestored(a2)

	// Bob and Carol write; both of Alice's devices get the requests.
	if _, err := bob.e.Send(a1.id, "hi from Bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := carol.e.Send(a1.id, "hi from Carol"); err != nil {
		t.Fatal(err)
	}
	until(t, "both devices to have both requests", func() bool {
		return a1.conv(bob.id).Unread == 1 && a2.conv(bob.id).Unread == 1 && a1.conv(carol.id).Unread == 1 && a2.conv(carol.id).Unread == 1
	})

	// At the same time: device 1 accepts Bob and reads his message and renames Alice;
	// device 2 gives Bob a nickname and blocks Carol.
	if err := a1.e.Accept(bob.id); err != nil {
		t.Fatal(err)
	}
	if err := a1.e.MarkRead(bob.id); err != nil {
		t.Fatal(err)
	}
	if err := a1.e.SetDisplayName("Alice Liddell"); err != nil {
		t.Fatal(err)
	}
	if err := a2.e.SetContactName(bob.id, "Bobby"); err != nil {
		t.Fatal(err)
	}
	if err := a2.e.Block(carol.id); err != nil {
		t.Fatal(err)
	}

	check := func(u *user) bool {
		b, c := u.conv(bob.id), u.conv(carol.id)
		return b.Approved && b.Nickname == "Bobby" && b.Unread == 0 && c.Blocked && !c.Approved && u.e.DisplayName() == "Alice Liddell"
	}
	until(t, "both devices to converge", func() bool { return check(a1) && check(a2) })

	a3 := restoreUser(t, tn, a1.e.Phrase())
	waitRestored(a3)
	b, c := a3.conv(bob.id), a3.conv(carol.id)
	if !b.Approved || b.Nickname != "Bobby" || !c.Blocked || a3.e.DisplayName() != "Alice Liddell" {
		t.Fatalf("restore after the changes: bob %+v, carol %+v, name %q", b, c, a3.e.DisplayName())
	}
}

// TestConfigFromAnotherImplementation stores a Contacts config written here from the
// spec alone (shared/protocol/config-sync.md §2.3–2.6: bencode by hand, BLAKE2b key and
// nonce, XChaCha20-Poly1305, zero padding, no protobuf wrap), not with engine/config, and
// checks that a restore reads it.
func TestConfigFromAnotherImplementation(t *testing.T) {
	tn := testnettest.Start(t, 9, 3)
	id, err := crypto.GenerateIdentity(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	phrase, _ := id.Phrase()
	friend := crypto.NewIdentityFromEd25519Seed([32]byte{42}).SessionID()
	blocked := crypto.NewIdentityFromEd25519Seed([32]byte{43}).SessionID()

	str := func(s string) string { return fmt.Sprintf("%d:%s", len(s), s) }
	// Contacts data: c → {33-byte id → {fields}}, keys in byte order everywhere.
	contact1 := "d" + str("A") + "i1e" + str("N") + str("Fred") + str("a") + "i1e" + str("n") + str("Frederick") + "e"
	contact2 := "d" + str("b") + "i1e" + str("n") + str("Spam") + "e"
	ids := []string{string(friend[:]), string(blocked[:])}
	data := "d" + str("c") + "d" + str(ids[0]) + contact1 + str(ids[1]) + contact2 + "ee"
	if ids[1] < ids[0] {
		data = "d" + str("c") + "d" + str(ids[1]) + contact2 + str(ids[0]) + contact1 + "ee"
	}
	msg := "d" + str("#") + "i7e" + str("&") + data + str("<") + "le" + str("=") + "dee"

	const overhead = 40
	padded := make([]byte, (len(msg)+overhead+255)/256*256-overhead-len(msg))
	plain := append(padded, msg...)
	seed := id.Ed25519PrivateKey().Seed()
	kh, _ := blake2b.New256(nil)
	kh.Write(seed)
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], uint64(len(plain)))
	kh.Write(l[:])
	kh.Write([]byte("Contacts"))
	nh, _ := blake2b.New(24, []byte("libsessionutil-config-encrypted-Contacts"))
	nh.Write(plain)
	nonce := nh.Sum(nil)
	aead, _ := chacha20poly1305.NewX(kh.Sum(nil))
	blob := append(aead.Seal(nil, nonce, plain, nil), nonce...)

	f, err := network.LoadNetworkFile(tn.NetworkFile())
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(client.Options{Seeds: client.NetworkSeeds(f)})
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.Store(ctx, id.Ed25519PrivateKey(), [33]byte(id.SessionID()), network.Namespace(3), blob, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	u := restoreUser(t, tn, phrase)
	waitRestored(u)
	fc, bc := u.conv(friend), u.conv(blocked)
	if !fc.Approved || !fc.ApprovedMe || fc.Nickname != "Fred" || fc.Name != "Fred" {
		t.Errorf("friend: %+v", fc)
	}
	if !bc.Blocked || bc.Approved || !strings.HasPrefix(bc.Name, "Spam") {
		t.Errorf("blocked: %+v", bc)
	}
	var lines []string
	for _, ct := range u.e.Contacts() {
		lines = append(lines, ct.Name)
	}
	if len(lines) != 2 {
		t.Errorf("contacts %v", lines)
	}
}
