package app

import (
	"fyne.io/fyne/v2/lang"

	"errors"
	"fmt"
	"strings"

	"allium/crypto"
	"allium/engine"
	"allium/engine/vault"
)

// plain turns an error into a sentence a person can act on: what happened and what to do.
// Errors that already speak to people (Session ID and recovery phrase mistakes) pass
// through; the engine's errors get a sentence each; anything else gets fallback, which
// says what Allium was doing. The raw error never reaches the screen.
func plain(err error, fallback string) string {
	var idErr *crypto.SessionIDError
	var phraseErr *crypto.PhraseError
	var tooLong *engine.TooLongError
	var tooLarge *engine.FileTooLargeError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &idErr):
		return sessionIDSentence(idErr)
	case errors.As(err, &phraseErr):
		return phraseSentence(phraseErr)
	case errors.As(err, new(vault.Error)):
		return vaultSentence(err)
	case errors.Is(err, engine.ErrProfileInUse):
		return lang.L("Allium is already open with this account in another window. Close it there, then try again.")
	case errors.Is(err, engine.ErrUnreachable):
		return lang.L("Can't reach the network. Check your internet connection; Allium keeps trying.")
	case errors.Is(err, engine.ErrClockWrong):
		return lang.L("The network refused Allium's request because this computer's clock is wrong. Set the correct date and time, then try again.")
	case errors.Is(err, engine.ErrBadProxy):
		return lang.L(badProxySentence)
	case errors.Is(err, engine.ErrUnknownNetwork):
		return lang.L("Allium can't use this network file: it is missing or damaged. Choose another network file, or the Session network.")
	case errors.As(err, &tooLarge):
		return fileTooLarge(tooLarge.Name, tooLarge.Size)
	case errors.Is(err, engine.ErrNoFileServer):
		return lang.L(noFileServer)
	case errors.As(err, &tooLong) && tooLong.What == "files":
		return tooManyFiles()
	case errors.As(err, &tooLong) && tooLong.What == "message":
		return tooLongMessage(tooLong.Length)
	case errors.As(err, &tooLong), errors.Is(err, engine.ErrBadText):
		return nameSentence(err)
	case errors.Is(err, engine.ErrEmptyMessage):
		return lang.L("Type a message first.")
	case errors.Is(err, engine.ErrAccountExists):
		return lang.L("This profile already has an account. Start Allium again to open it.")
	case errors.Is(err, engine.ErrNoAccount):
		return lang.L("This profile has no account yet. Create one or restore yours from its recovery phrase.")
	case errors.Is(err, engine.ErrNotFound):
		return lang.L("That message or conversation is gone: it may have been deleted in the meantime.")
	case errors.Is(err, engine.ErrAlreadySent):
		return lang.L("This message has been sent already, so it can't be cancelled. You can delete it for everyone instead.")
	case errors.Is(err, engine.ErrClosed):
		return lang.L("Allium is shutting down. Start it again to continue.")
	}
	return fallback
}

// tooLongMessage is the sentence for a message over engine.MaxMessageLength.
func tooLongMessage(n int) string {
	return fmt.Sprintf(lang.L("This message is too long: it has %s characters and a message can have at most %s. Shorten it or split it in two."), num(n), num(engine.MaxMessageLength))
}

// tooLongPaste is the sentence for a paste that would make a message of n characters.
func tooLongPaste(n int) string {
	return fmt.Sprintf(lang.L("This text is too long to paste: the message would have %s characters, and a message can have at most %s. Copy a shorter part and paste it."), num(n), num(engine.MaxMessageLength))
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
		return fmt.Sprintf(lang.L("This name is too long: a name can have at most %s bytes (letters outside the Latin alphabet count for two or three). Shorten it."), num(engine.MaxNameBytes))
	}
	return lang.L("This name can't be used: it contains characters that are not text. Type it again.")
}

// statusSentence is the status line's words for the connection status and, when
// offline, the step that fails.
func statusSentence(s engine.Status, p engine.Problem) string {
	switch s {
	case engine.Online:
		return lang.L("Online")
	case engine.Offline:
		return offlineSentence(p)
	case engine.ClockWrong:
		return lang.L("Clock is wrong — set this computer's date and time, then try again")
	}
	return lang.L("Connecting…")
}

func unreadSentence(n int) string {
	if n == 0 {
		return lang.L("No unread messages")
	}
	return lang.N("{{.Count}} unread messages", n, map[string]string{"Count": num(n)})
}

// twinRequestSentence warns of a message request from someone who has the name of a
// contact: impostors borrow the names of people one trusts.
func twinRequestSentence(c, contact engine.Conversation) string {
	return fmt.Sprintf(lang.L("Careful: %s is already one of your contacts, with the Session ID %s. This request comes from a different Session ID, %s, so it is someone else, who may be pretending to be them. Before you accept, ask %s in another way whether this is really them."),
		contact.Name, shortID(contact.ID), shortID(c.ID), contact.Name)
}

// twinContactSentence warns, above a conversation, that another contact has the same
// name.
func twinContactSentence(c, other engine.Conversation) string {
	return fmt.Sprintf(lang.L("Another contact is also named %s (Session ID %s). This one's Session ID is %s: check it before you trust what they write."),
		other.Name, shortID(other.ID), shortID(c.ID))
}

// offlineSentence is the status line while offline: which step fails, and that the
// messages wait. Each case is a whole sentence, for translators.
func offlineSentence(p engine.Problem) string {
	switch p {
	case engine.ProblemSeeds:
		return lang.L("Offline — this computer is connected, but the network's seed servers can't be reached: your network may block Session. Allium keeps trying; your messages wait and are sent once it gets through.")
	case engine.ProblemOffline:
		return lang.L("Offline — this computer isn't connected to the internet. Connect it to a network; Allium keeps trying, and your messages wait and are sent once it is back.")
	case engine.ProblemTimeout:
		return lang.L("Offline — nodes answer, but messages sent through them time out: the connection is very slow, or slowed down on purpose where you are. Allium keeps trying; your messages wait.")
	case engine.ProblemGuard:
		return lang.L("Offline — no node of the network answers Allium. This computer may be offline, or the network may be blocked where you are. Allium keeps trying; your messages wait and are sent once it gets through.")
	case engine.ProblemPath:
		return lang.L("Offline — nodes answer, but messages can't get through the chain of three nodes; the network may be partly blocked where you are. Allium keeps trying other nodes; your messages wait.")
	case engine.ProblemSwarm:
		return lang.L("Offline — the nodes that keep your messages don't answer. Allium keeps trying others; your messages wait.")
	case engine.ProblemProxy:
		return lang.L("Offline — Allium can't reach your proxy, or it refused its user name and password. Check it in Settings › Network; Allium connects to nothing without it. Your messages wait.")
	}
	return lang.L("Offline — Allium can't reach the network. This computer may be offline, or the network may be blocked where you are. Allium keeps trying; your messages wait and are sent once it gets through.")
}

// noPathSentence is what the path view says while there is no path.
func noPathSentence(s engine.Status, p engine.Problem) string {
	if s != engine.Offline {
		return lang.L("No path yet: Allium is building one.")
	}
	switch p {
	case engine.ProblemSeeds:
		return lang.L("No path: the network's seed servers, which give Allium its list of nodes, can't be reached, though this computer is connected. Your network may block Session. Allium keeps trying.")
	case engine.ProblemOffline:
		return lang.L("No path: this computer isn't connected to the internet, so Allium can't reach any node.")
	case engine.ProblemTimeout:
		return lang.L("The path is built, and its first node answers, but requests through the path time out. The connection may be slowed down where you are. Allium keeps trying other nodes.")
	case engine.ProblemGuard:
		return lang.L("No path: no node answers when Allium tries to connect to it as the first node of a path. This computer may be offline, or the network may be blocked where you are. Allium keeps trying.")
	case engine.ProblemPath:
		return lang.L("No working path: the first node answers, but requests through the chain of three nodes fail. Allium keeps trying other nodes.")
	case engine.ProblemSwarm:
		return lang.L("The path works, but the nodes that keep your messages don't answer. Allium keeps trying others.")
	case engine.ProblemProxy:
		return lang.L("No path: Allium can't reach your proxy, and connects to nothing without it. Check the proxy above.")
	}
	return lang.L("No path: Allium can't reach the network. This computer may be offline, or the network may be blocked where you are. Allium keeps trying.")
}

// retryingSentence is the footer of one of our messages that has not gone yet while
// the engine keeps trying, and failedSentence of one it gave up.
func retryingSentence(f engine.Failure) string {
	if f == engine.FailedClockWrong {
		return lang.L("Not sent yet: this computer's clock is wrong · still trying")
	}
	return lang.L("Not sent yet: waiting for the network · still trying")
}

func failedSentence(f engine.Failure) string {
	if f == engine.FailedExpired {
		return lang.L("Not sent: it could not be delivered in time")
	}
	return lang.L("Not sent: the network refused it")
}

// sizeText words a file's size, in the decimal units the file limit is given in, with
// the language's digits.
func sizeText(n int64) string {
	switch {
	case n < 1000:
		return lang.N("{{.Count}} bytes", int(n), map[string]string{"Count": num(int(n))})
	case n < 1000_000:
		return fmt.Sprintf(lang.L("%s KB"), digits(fmt.Sprintf("%.0f", float64(n)/1000)))
	}
	return fmt.Sprintf(lang.L("%s MB"), digits(strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/1000_000), ".0")))
}

// fileTooLarge is the sentence for a file over engine.MaxFileSize: nothing is sent.
func fileTooLarge(name string, size int64) string {
	return fmt.Sprintf(lang.L("%s is too large to send: it is %s, and a file can be at most %s. Nothing was sent. Send a smaller file, or make this one smaller first."),
		name, sizeText(size), sizeText(engine.MaxFileSize))
}

// tooManyFiles is the sentence for more files than one message can carry.
func tooManyFiles() string {
	return fmt.Sprintf(lang.L("A message can carry at most %s files. Send the others in another message."), num(engine.MaxFilesPerMessage))
}

// notAFile is the sentence for something dropped or chosen that is not a file to send
// (a folder, or a file that can't be read).
func notAFile(name string) string {
	return fmt.Sprintf(lang.L("%s can't be sent: it is a folder, or a file Allium can't read. Choose a file."), name)
}

// noFileServer is the sentence for a network that has no file server.
const noFileServer = "This network has no file server, so files can't be sent or received on it. You can still send text."

// Words for where a file of a message is.
const (
	fileUploading   = "Uploading…"
	fileDownloading = "Downloading…"
	fileWaiting     = "Waiting to download…"
	fileFailed      = "The file could not be received"
	fileExpired     = "This file is no longer available"
	// fileFromStranger stands under a file that is not fetched because its sender is not
	// a contact: fetching it tells the file server nothing about us, but what it holds
	// comes from someone unknown.
	fileFromStranger = "The sender is not one of your contacts yet, so Allium has not downloaded this file. Download it only if you trust them."
	// fileNotFetched stands under a file that arrived before its sender was accepted.
	fileNotFetched    = "Allium has not downloaded this file yet. Download it only if you trust the sender."
	pictureUnreadable = "This picture can't be shown. Save it to look at it with another program."
)

// offerProxySentence stands over the button to Settings › Network when the network
// could not be reached for a while.
const offerProxySentence = "Still can't connect. If Session is blocked where you are, a proxy or Tor can get Allium through."

// offerProxyButton opens Settings › Network from the status line.
const offerProxyButton = "Proxy and Tor settings"

// Words for Tor in Settings › Network.
const (
	useTorButton  = "Use Tor"
	findTorButton = "Look for Tor"
	torLooking    = "Looking for Tor on this computer…"
	noTorSentence = "Tor isn't running on this computer (Allium looked at ports 9050 and 9150). Start Tor Browser or the tor service, then choose Look for Tor."
)

// torFoundSentence says where Tor answers.
func torFoundSentence(addr string) string {
	return fmt.Sprintf(lang.L("Tor is running on this computer, at %s. Choose Use Tor to connect through it."), addr)
}

// viaProxySentence is the path view's step between this computer and the guard, when
// a proxy or Tor carries every connection.
func viaProxySentence(tor bool, addr string) string {
	if tor {
		return fmt.Sprintf(lang.L("Tor, at %s: the path is built over a Tor circuit, so the guard sees a Tor relay's address, not yours"), addr)
	}
	return fmt.Sprintf(lang.L("Your proxy, at %s: the guard sees the proxy's address, not yours"), addr)
}

// badProxySentence is the sentence for a proxy address that can't be used.
const badProxySentence = "This isn't a proxy address Allium can use. Write it as socks5://127.0.0.1:9050, socks5://NAME:PASSWORD@HOST:PORT or http://HOST:PORT."

// proxyDownSentence is the status line while the proxy at addr can't be reached.
func proxyDownSentence(addr string) string {
	return fmt.Sprintf(lang.L("Can't reach your proxy at %s, or it refused its user name and password. Check that it is running, and its address in Settings › Network; Allium connects to nothing without it. Your messages wait and are sent once it gets through."), addr)
}

// proxyTrySentence words why the proxy at addr failed its test.
func proxyTrySentence(err error, addr string) string {
	var pe *engine.ProxyError
	switch {
	case errors.As(err, &pe) && pe.Kind == engine.ProxyAuthFailed:
		return fmt.Sprintf(lang.L("Your proxy at %s answers, but it refused the user name and password. Check them; write them as socks5://NAME:PASSWORD@%s."), addr, addr)
	case errors.As(err, &pe) && pe.Kind == engine.ProxyUnreachable:
		return fmt.Sprintf(lang.L("Can't reach your proxy at %s. Check that it is running and that its address is right (Tor listens at 127.0.0.1:9050, Tor Browser at 127.0.0.1:9150)."), addr)
	case errors.Is(err, engine.ErrUnreachable):
		return fmt.Sprintf(lang.L("Your proxy at %s answers, but through it Allium can't reach the network's entry points. The network may be blocked beyond the proxy, or the proxy is still connecting (Tor can take a minute); try again in a moment."), addr)
	}
	return plain(err, lang.L("Allium could not test the proxy. Try again."))
}

// proxyWorksSentence says what worked through the proxy.
func proxyWorksSentence(c engine.ProxyCheck, bootstrapOnly bool) string {
	switch {
	case bootstrapOnly:
		return fmt.Sprintf(lang.L("The proxy works: through it Allium got the list of %s nodes from the network's entry points. With this setting, the nodes themselves are reached directly."), num(c.Nodes))
	case c.Guard:
		return fmt.Sprintf(lang.L("The proxy works: through it Allium got the list of %s nodes and reached a node of the network. Choose \"Use this setting\" to connect through it."), num(c.Nodes))
	}
	return lang.L("The proxy works for the network's entry points, but no node answered through it. The nodes may be blocked beyond the proxy; try again, or another proxy.")
}

// Link previews, in Settings › Privacy.
const (
	linkPreviewsTitle = "Link previews"
	linkPreviewsCheck = "Show a preview of links I send"
	linkPreviewsText  = "When on, and you send a message with a link, your computer opens the linked page itself to show its title and picture under your message. " +
		"The website then sees your computer's internet address, or your proxy's if you set one under Network, because this does not travel through Allium's relays. " +
		"The person you write to fetches nothing from the website: the preview comes with your message."
)

// vaultSentence words an error of the profile's key: the vault's sentences, in the
// interface's language.
func vaultSentence(err error) string {
	switch {
	case errors.Is(err, vault.ErrWrongPassphrase):
		return lang.L("That passphrase is not the one that protects this profile. Nothing was changed.")
	case errors.Is(err, vault.ErrNeedPassphrase):
		return lang.L("This profile is protected by a passphrase. Enter it to open the profile.")
	case errors.Is(err, vault.ErrNoPassphrase):
		return lang.L("This profile has no passphrase.")
	case errors.Is(err, vault.ErrEmptyPassphrase):
		return lang.L("The passphrase is empty. Choose one of at least 8 characters.")
	case errors.Is(err, vault.ErrShortPassphrase):
		return lang.L("The passphrase is too short. Choose one of at least 8 characters.")
	case errors.Is(err, vault.ErrKeyMissing):
		return lang.L("The key that opens this profile is missing, so its messages cannot be read. You can restore your account from its recovery phrase in a new profile.")
	case errors.Is(err, vault.ErrDamaged):
		return lang.L("The key file of this profile is damaged, so its messages cannot be read. You can restore your account from its recovery phrase in a new profile.")
	case errors.Is(err, vault.ErrSecretStoreLost):
		return lang.L("The operating system's secret store no longer has this profile's key, so its messages cannot be read. You can restore your account from its recovery phrase in a new profile.")
	case errors.Is(err, vault.ErrSecretStoreDown):
		return lang.L("The operating system's secret store, which keeps this profile's key, did not answer. Unlock it (or log in to your desktop again) and try once more.")
	}
	return err.Error()
}
