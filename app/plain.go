package app

import (
	"errors"
	"fmt"

	"allium/crypto"
	"allium/engine"
)

// plain turns an error into a sentence a person can act on: what happened and what to do.
// Errors that already speak to people (Session ID and recovery phrase mistakes) pass
// through; the engine's errors get a sentence each; anything else gets fallback, which
// says what Allium was doing. The raw error never reaches the screen.
func plain(err error, fallback string) string {
	var idErr *crypto.SessionIDError
	var phraseErr *crypto.PhraseError
	var tooLong *engine.TooLongError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &idErr):
		return idErr.Reason
	case errors.As(err, &phraseErr):
		return phraseErr.Error()
	case errors.Is(err, engine.ErrProfileInUse):
		return "Allium is already open with this account in another window. Close it there, then try again."
	case errors.Is(err, engine.ErrUnreachable):
		return "Can't reach the network. Check your internet connection; Allium keeps trying."
	case errors.Is(err, engine.ErrClockWrong):
		return "The network refused Allium's request because this computer's clock is wrong. Set the correct date and time, then try again."
	case errors.Is(err, engine.ErrUnknownNetwork):
		return "Allium can't use this network file: it is missing or damaged. Choose another network file, or the Session network."
	case errors.As(err, &tooLong) && tooLong.What == "message":
		return tooLongMessage(tooLong.Length)
	case errors.As(err, &tooLong), errors.Is(err, engine.ErrBadText):
		return nameSentence(err)
	case errors.Is(err, engine.ErrEmptyMessage):
		return "Type a message first."
	case errors.Is(err, engine.ErrAccountExists):
		return "This profile already has an account. Start Allium again to open it."
	case errors.Is(err, engine.ErrNoAccount):
		return "This profile has no account yet. Create one or restore yours from its recovery phrase."
	case errors.Is(err, engine.ErrNotFound):
		return "That message or conversation is gone: it may have been deleted in the meantime."
	case errors.Is(err, engine.ErrClosed):
		return "Allium is shutting down. Start it again to continue."
	}
	return fallback
}

// tooLongMessage is the sentence for a message over engine.MaxMessageLength.
func tooLongMessage(n int) string {
	return fmt.Sprintf("This message is too long: it has %d characters and a message can have at most %d. Shorten it or split it in two.", n, engine.MaxMessageLength)
}

// tooLongPaste is the sentence for a paste that would make a message of n characters.
func tooLongPaste(n int) string {
	return fmt.Sprintf("This text is too long to paste: the message would have %d characters, and a message can have at most %d. Copy a shorter part and paste it.", n, engine.MaxMessageLength)
}

// noName is the sentence for a display name left empty.
const noName = "Type your name first: people see it when you write to them. It can be anything."

// nameProblem says what is wrong with a display name, or "" if it can be used. An
// empty name is left to the caller: while someone types, an empty field is no mistake.
func nameProblem(name string) string {
	if err := engine.CheckName(name); err != nil {
		return nameSentence(err)
	}
	return ""
}

// nameSentence words what engine.CheckName found wrong with a name.
func nameSentence(err error) string {
	if errors.Is(err, engine.ErrTooLong) {
		return fmt.Sprintf("This name is too long: a name can have at most %d bytes (letters outside the Latin alphabet count for two or three). Shorten it.", engine.MaxNameBytes)
	}
	return "This name can't be used: it contains characters that are not text. Type it again."
}

// statusSentence is the status line's words for the connection status.
func statusSentence(s engine.Status) string {
	switch s {
	case engine.Online:
		return "Online"
	case engine.Offline:
		return "Offline — messages will be sent when you're back online"
	case engine.ClockWrong:
		return "Clock is wrong — set this computer's date and time, then try again"
	}
	return "Connecting…"
}

func unreadSentence(n int) string {
	switch n {
	case 0:
		return "No unread messages"
	case 1:
		return "1 unread message"
	}
	return fmt.Sprintf("%d unread messages", n)
}
