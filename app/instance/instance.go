// Package instance keeps one Allium per profile: the first launch on a profile listens
// on a Unix-domain socket in the profile directory, and a later launch, instead of
// failing on the locked profile, asks it to show its window and exits. Unix-domain
// sockets work alike on Linux, macOS and Windows 10 and later, and the profile
// directory (mode 0700) keeps other users from knocking.
package instance

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// ErrRunning: another process owns the profile and was asked to show its window.
var ErrRunning = errors.New("instance: allium is already running on this profile")

// socketName is the socket's file in the profile directory.
const socketName = "allium.sock"

// maxSocketPath is what every OS accepts as a socket's path (macOS allows 104 bytes,
// Linux 108, Windows 108).
const maxSocketPath = 100

const (
	showRequest = "show\n"
	shownReply  = "ok\n"
	// replyWait bounds how long a second launch waits for the first to answer.
	replyWait = 10 * time.Second
)

// Owner is this process's claim on a profile. Close gives it up.
type Owner struct {
	ln   net.Listener
	path string
	wg   sync.WaitGroup
	once sync.Once
}

// Claim makes this process the owner of the profile in dir. If another process owns
// it, Claim asks that one to show its window and returns ErrRunning once it has. A
// socket left by a process that crashed is replaced.
func Claim(dir string) (*Owner, error) {
	path, err := socketPath(dir)
	if err != nil {
		return nil, err
	}
	for try := 0; ; try++ {
		conn, err := net.DialTimeout("unix", path, time.Second)
		if err == nil {
			// Someone listens: the owner is alive, even if it is slow to answer, and its
			// socket must never be taken from it.
			if err := askToShow(conn); err != nil {
				return nil, fmt.Errorf("%w (it did not answer: %v)", ErrRunning, err)
			}
			return nil, ErrRunning
		}
		ln, err := net.Listen("unix", path)
		if err == nil {
			return &Owner{ln: ln, path: path}, nil
		}
		if try > 0 {
			return nil, fmt.Errorf("instance: listen on %s: %w", path, err)
		}
		// Nobody can be reached on it: the socket is left from a process that is gone.
		os.Remove(path)
	}
}

// socketPath is the socket in the profile directory or, when that path is too long
// for a socket, one named after it in this user's cache directory.
func socketPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("instance: %w", err)
	}
	if err := privateDir(abs); err != nil {
		return "", err
	}
	if p := filepath.Join(abs, socketName); len(p) <= maxSocketPath {
		return p, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("instance: profile path too long for a socket: %w", err)
	}
	sum := sha256.Sum256([]byte(abs))
	short := filepath.Join(cache, "allium")
	if err := privateDir(short); err != nil {
		return "", err
	}
	p := filepath.Join(short, hex.EncodeToString(sum[:8])+".sock")
	if len(p) > maxSocketPath {
		return "", errors.New("instance: profile path too long for a socket")
	}
	return p, nil
}

// privateDir makes dir, or makes an existing one, readable by this user alone: the
// socket in it lets whoever reaches it bring the window to the front.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("instance: %w", err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("instance: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("instance: %s is not a directory", dir)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("instance: %w", err)
		}
	}
	return nil
}

// askToShow asks the owner at the other end of conn to show its window, and waits for it
// to say it did.
func askToShow(conn net.Conn) error {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(replyWait))
	if _, err := conn.Write([]byte(showRequest)); err != nil {
		return err
	}
	reply, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if reply != shownReply {
		return fmt.Errorf("instance: unexpected reply %q", reply)
	}
	return nil
}

// Serve calls show each time another launch asks, until Close. show must not block
// (hand the work to the UI's goroutine). Serve returns at once.
func (o *Owner) Serve(show func()) {
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		// Each launch is answered on its own goroutine, a few at a time, so that one
		// connection that says nothing cannot keep the next launch waiting.
		busy := make(chan struct{}, 4)
		for {
			conn, err := o.ln.Accept()
			if err != nil {
				return // closed
			}
			select {
			case busy <- struct{}{}:
				o.wg.Add(1)
				go func() {
					defer o.wg.Done()
					defer func() { <-busy }()
					o.answer(conn, show)
				}()
			default:
				conn.Close()
			}
		}
	}()
}

func (o *Owner) answer(conn net.Conn, show func()) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(replyWait))
	// Requests are one short line; a longer one is not ours.
	line, err := bufio.NewReaderSize(conn, 64).ReadString('\n')
	if err != nil || line != showRequest {
		return
	}
	show()
	conn.Write([]byte(shownReply))
}

// Close stops answering, removes the socket and waits for Serve to end. It is safe to
// call more than once, and on a nil Owner.
func (o *Owner) Close() error {
	if o == nil {
		return nil
	}
	var err error
	o.once.Do(func() {
		err = o.ln.Close()
		o.wg.Wait()
	})
	return err
}
