package app

import (
	"bytes"
	"io"
	"sync"

	// Its init gives Fyne a locale it can parse under LANG=C.UTF-8, before Fyne reads it.
	_ "allium/app/internal/clocale"
)

// FilterFyneLog returns a writer for the standard logger, to which Fyne reports its
// errors, that passes every line on to w but one harmless report: "Preferences load
// error:" caused by EOF. Fyne writes its preferences file itself (on quit, for one) and
// watches that file; when its watcher reads the file between the truncation and the
// write, it finds it empty and says so. The file is whole a moment later, and the user
// can do nothing about it. Every other report, including other errors of the same
// preferences file, goes through.
func FilterFyneLog(w io.Writer) io.Writer {
	return &fyneLogFilter{w: w}
}

// Fyne's fyne.LogError writes a report as up to three log lines: the reason, the cause
// and where it was logged.
var (
	prefsLoadError = []byte("Fyne error:  Preferences load error:")
	causeEOF       = []byte("  Cause: EOF\n")
	reportedAt     = []byte("  At: ")
)

type fyneLogFilter struct {
	w io.Writer

	mu     sync.Mutex // guards held and skipAt, and orders writes to w
	held   []byte     // a preferences load error, until its cause is known
	skipAt bool       // the next line is where a dropped report was logged
}

// Write takes one line: the standard logger writes each line with one call.
func (f *fyneLogFilter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.skipAt {
		f.skipAt = false
		if bytes.Contains(p, reportedAt) {
			return len(p), nil
		}
	}
	if f.held != nil {
		held := f.held
		f.held = nil
		if bytes.HasSuffix(p, causeEOF) {
			f.skipAt = true
			return len(p), nil
		}
		if _, err := f.w.Write(held); err != nil {
			return 0, err
		}
	}
	if bytes.Contains(p, prefsLoadError) {
		f.held = append([]byte(nil), p...)
		return len(p), nil
	}
	return f.w.Write(p)
}
