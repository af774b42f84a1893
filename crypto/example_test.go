package crypto_test

import (
	"crypto/rand"
	"fmt"

	"allium/crypto"
)

// An account is 16 random bytes. Its Session ID is what people share; its 13-word
// recovery phrase is what its owner writes down.
func ExampleGenerateIdentity() {
	id, err := crypto.GenerateIdentity(rand.Reader)
	if err != nil {
		panic(err)
	}
	phrase, _ := id.Phrase()
	fmt.Println(len(id.SessionID().String()), len(phrase) > 0)
	// Output: 66 true
}

// The same seed always gives the same Session ID and phrase.
func ExampleNewIdentity() {
	id := crypto.NewIdentity(crypto.Seed{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	phrase, _ := id.Phrase()
	fmt.Println(id.SessionID())
	fmt.Println(phrase)
	// Output:
	// 05ca03b8e369aeeb69fd260c2957d37b232db17a60db7a39bca9f0c0a6be135c1a
	// amaze buffet cake entrance symptoms tiger lamb maze nestle python dusted faxed faxed
}

// Restoring from the phrase gives back the account; case and extra spaces do not matter.
func ExampleRestoreIdentity() {
	id, err := crypto.RestoreIdentity("  Amaze buffet cake entrance symptoms tiger lamb maze nestle python dusted faxed faxed")
	if err != nil {
		panic(err)
	}
	fmt.Println(id.SessionID())

	_, err = crypto.RestoreIdentity("amaze buffet cake entrance symptoms tiger lamb maze nestle python dusted faxed")
	fmt.Println(err)
	// Output:
	// 05ca03b8e369aeeb69fd260c2957d37b232db17a60db7a39bca9f0c0a6be135c1a
	// A recovery phrase has 13 words; this one has 12.
}

// ParseSessionID explains what is wrong in words a person understands.
func ExampleParseSessionID() {
	_, err := crypto.ParseSessionID("d2ad010eeb72d72e561d9de7bd7b6989af77dcabffa03a5111a6c859ae5c3a72")
	fmt.Println(err)
	id, err := crypto.ParseSessionID(" 05D2AD010EEB72D72E561D9DE7BD7B6989AF77DCABFFA03A5111A6C859AE5C3A72 ")
	fmt.Println(id, err)
	// Output:
	// A Session ID has 66 characters; this one has 64.
	// 05d2ad010eeb72d72e561d9de7bd7b6989af77dcabffa03a5111a6c859ae5c3a72 <nil>
}

// Encrypt pads, signs and seals a message to a Session ID; Decrypt opens it, checks the
// signature and tells who sent it.
func ExampleEncrypt() {
	alice, _ := crypto.GenerateIdentity(rand.Reader)
	bob, _ := crypto.GenerateIdentity(rand.Reader)

	ct, err := crypto.Encrypt(rand.Reader, alice, bob.SessionID(), []byte("hello Bob"))
	if err != nil {
		panic(err)
	}
	msg, err := crypto.Decrypt(bob, ct)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%q from Alice: %v\n", msg.Plaintext, msg.Sender == alice.SessionID())

	ct[len(ct)-1] ^= 1
	_, err = crypto.Decrypt(bob, ct)
	fmt.Println(err)
	// Output:
	// "hello Bob" from Alice: true
	// crypto: message cannot be decrypted
}
