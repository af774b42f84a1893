package app

import (
	"encoding/hex"
	"errors"
	"fmt"
	"unicode/utf8"

	"fyne.io/fyne/v2/lang"

	"allium/app/internal/qr"
	"allium/crypto"
)

// The crypto package and the QR reader speak English, the language of their errors:
// these sentences say the same in the interface's language, from the errors' data.

// sessionIDSentence says what is wrong with a Session ID, from what was typed.
func sessionIDSentence(e *crypto.SessionIDError) string {
	s := e.Input
	if s == "" {
		return lang.L("Enter a Session ID: 66 characters starting with 05.")
	}
	if n := utf8.RuneCountInString(s); n != crypto.SessionIDLen {
		return fmt.Sprintf(lang.L("A Session ID has %s characters; this one has %s."), num(crypto.SessionIDLen), num(n))
	}
	pos := 0
	for _, r := range s {
		pos++
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return fmt.Sprintf(lang.L("A Session ID uses only the digits 0-9 and the letters a-f; character %s ('%s') is not one of them."), num(pos), string(r))
		}
	}
	var first [1]byte
	if _, err := hex.Decode(first[:], []byte(s[:2])); err == nil {
		switch crypto.Prefix(first[0]) {
		case crypto.PrefixStandard:
		case crypto.PrefixGroup:
			return lang.L("This is the ID of a group, not of a person. A Session ID starts with 05.")
		case crypto.PrefixBlinded15, crypto.PrefixBlinded25:
			return lang.L("This is a community ID, which hides the account behind it. Ask the person for their Session ID, which starts with 05.")
		default:
			return lang.L("A Session ID starts with 05.")
		}
	}
	return lang.L("This is not a valid Session ID.")
}

// phraseSentence says what is wrong with a recovery phrase.
func phraseSentence(e *crypto.PhraseError) string {
	switch e.Kind {
	case crypto.PhraseUnknownWord:
		return fmt.Sprintf(lang.L(`Word %s, "%s", is not a recovery phrase word. Check its spelling.`), num(e.Position), e.Word)
	case crypto.PhraseWrongLength:
		return fmt.Sprintf(lang.L("A recovery phrase has %s words; this one has %s."), num(e.Want), num(e.Count))
	}
	return lang.L("These words do not belong together: one of them is probably mistyped or out of order. Compare them with the phrase you saved.")
}

// qrSentence says why a picture gave no Session ID.
func qrSentence(err error) string {
	var idErr *qr.NotSessionIDError
	switch {
	case errors.As(err, &idErr):
		return lang.L("This QR code does not hold a Session ID.") + " " + sessionIDSentence(idErr.Reason)
	case errors.Is(err, qr.ErrNotSessionID):
		return lang.L("This QR code does not hold a Session ID.")
	case errors.Is(err, qr.ErrNoQR):
		return lang.L("No QR code was found in this picture. Choose a sharper picture in which the whole code is visible.")
	}
	return lang.L("This file is not a picture Allium can read. Choose a PNG, JPEG or GIF picture of a QR code.")
}
