package main

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"allium/crypto"
	"allium/engine"
	"allium/engine/vault"
)

// usageError is a command line that cannot be run as typed (exit status 2).
type usageError string

func (e usageError) Error() string { return string(e) }

//lint:ignore ST1005 printed as it is, as a sentence
var errInterrupted = errors.New("Interrupted.")

// plainPathError words why a file could not be read.
func plainPathError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "there is no such file"
	case errors.Is(err, fs.ErrPermission):
		return "you may not read it"
	}
	return err.Error()
}

// unreachableSentence says which step of reaching the network fails, as far as the
// client could tell from the connections it made.
func unreachableSentence(p engine.Problem) string {
	switch p {
	case engine.ProblemOffline:
		return "This computer is offline: connect it to a network."
	case engine.ProblemSeeds:
		return "Can't reach the network's seed servers, which give the list of its nodes: this computer is connected, but the network you are on may block Session. A proxy or Tor gets around that: --proxy socks5://127.0.0.1:9050."
	case engine.ProblemGuard:
		return "No node of the network answers: the network you are on may block Session. A proxy or Tor gets around that: --proxy socks5://127.0.0.1:9050."
	case engine.ProblemTimeout:
		return "The network's nodes answer, but requests through them take too long: the network you are on may be slowing Session down."
	}
	return "Can't reach the network."
}

// failure says why a message was not sent.
func failure(f engine.Failure) string {
	switch f {
	case engine.FailedClockWrong:
		return "The network refused the message because this computer's clock is wrong. Set the correct date and time; the message stays queued and will be sent the next time this profile is opened."
	case engine.FailedExpired:
		return "The message could not be delivered in time and was given up."
	case engine.FailedRefused:
		return "The network refused the message."
	}
	return "Can't reach the network. The message stays queued and will be sent the next time this profile is opened."
}

// explain turns an error into what the person should read, and the exit status.
func (c *cli) explain(err error) (string, int) {
	var ue usageError
	var sid *crypto.SessionIDError
	var pe *crypto.PhraseError
	var tl *engine.TooLongError
	var big *engine.FileTooLargeError
	var longVoice *engine.VoiceTooLongError
	var pathErr *fs.PathError
	var down proxyDown
	var unr unreachable
	var plain vault.Error
	switch {
	case errors.As(err, &unr) && engine.Problem(unr) != engine.NoProblem:
		return unreachableSentence(engine.Problem(unr)) + " Try again later.", 1
	case errors.As(err, &down) && c.cmd == "send":
		return fmt.Sprintf("Can't reach your proxy at %s, or it refused its user name and password, so the message stays queued; it will be sent the next time this profile is opened. Check that the proxy is running (Tor listens at 127.0.0.1:9050, Tor Browser at 127.0.0.1:9150) and its address; Allium connects to nothing without it. To connect without a proxy, use --proxy none.", string(down)), 1
	case errors.As(err, &down):
		return fmt.Sprintf("Can't reach your proxy at %s, or it refused its user name and password. Check that it is running (Tor listens at 127.0.0.1:9050, Tor Browser at 127.0.0.1:9150) and its address; Allium connects to nothing without it. To connect without a proxy, use --proxy none.", string(down)), 1
	case errors.Is(err, engine.ErrBadProxy):
		return fmt.Sprintf("Can't use the proxy %q. Write it as socks5://HOST:PORT, socks5://USER:PASSWORD@HOST:PORT or http://HOST:PORT, with --proxy-scope all or bootstrap; or --proxy none.", c.proxy), 2
	case errors.As(err, &pathErr) && c.cmd == "send":
		return fmt.Sprintf("Can't read the file %s: %s.", pathErr.Path, plainPathError(pathErr.Err)), 1
	case errors.As(err, &big):
		return fmt.Sprintf("%s is too large: it has %d bytes and can have at most %d (%d MB).", big.Name, big.Size, big.Limit, big.Limit/1_000_000), 1
	case errors.As(err, &longVoice):
		return fmt.Sprintf("That recording is too long to send as a voice message: it plays for %s, and a voice message can be at most %d minutes. Send it with --file instead.", longVoice.Duration.Round(time.Second), int(longVoice.Limit.Minutes())), 1
	case errors.Is(err, engine.ErrNotVoice):
		return "That file is not an MP3 recording, so it can't be sent as a voice message. Send it with --file instead.", 1
	case errors.Is(err, engine.ErrNotPicture):
		return "That file is not a picture Allium can use: choose a JPEG, PNG or GIF.", 1
	case errors.Is(err, engine.ErrNoFileServer):
		return "This network has no file server, so files can't be sent on it. Its network file must name one (\"file_server\").", 1
	case errors.As(err, &ue):
		return string(ue) + "\nRun `allium-cli -h` for help.", 2
	case errors.As(err, &sid):
		return sid.Error(), 1
	case errors.As(err, &pe):
		return pe.Error(), 1
	case errors.As(err, &plain):
		return string(plain), 1
	case errors.Is(err, errNoAccountHere), errors.Is(err, engine.ErrNoAccount):
		return fmt.Sprintf("No account in %s yet: run `allium-cli create` or `allium-cli restore` first.", c.profile), 1
	case errors.Is(err, engine.ErrAccountExists):
		return fmt.Sprintf("%s already has an account. Choose another directory with --profile DIR.", c.profile), 1
	case errors.Is(err, engine.ErrProfileInUse):
		return fmt.Sprintf("%s is open in another program (the Allium app or another allium-cli). Close it, or let it finish, and try again.", c.profile), 1
	case errors.Is(err, engine.ErrUnknownNetwork) && c.network == "":
		return "Can't read the network file this profile used last. Name one with --network FILE, or use --network session.", 1
	case errors.Is(err, engine.ErrUnknownNetwork):
		return fmt.Sprintf("Can't read the network file %s. Give the network.json that `allium-node testnet` wrote, or --network session.", c.network), 1
	case errors.Is(err, engine.ErrUnreachable):
		return "Can't reach the network. Check your internet connection and try again.", 1
	case errors.Is(err, engine.ErrClockWrong):
		return "The network refuses our requests because this computer's clock is wrong. Set the correct date and time, then try again.", 1
	case errors.Is(err, engine.ErrEmptyMessage):
		return "The message is empty.", 1
	case errors.As(err, &tl) && tl.What == "files":
		return fmt.Sprintf("Too many files: a message can carry at most %d.", tl.Limit), 1
	case errors.As(err, &tl) && tl.What == "message":
		return fmt.Sprintf("The message is too long: it has %d characters and a message can have at most %d.", tl.Length, tl.Limit), 1
	case errors.As(err, &tl):
		return fmt.Sprintf("The name is too long: it has %d bytes and a display name can have at most %d.", tl.Length, tl.Limit), 1
	case errors.Is(err, engine.ErrBadText):
		return "The name contains characters that are not text.", 1
	}
	return err.Error(), 1
}
