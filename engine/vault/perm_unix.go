//go:build !windows

package vault

// restrict is a no-op where the file mode (0600, 0700) already keeps others out.
func restrict(string) error { return nil }

// Restrict makes path readable by its owner only; see restrict.
func Restrict(path string) error { return restrict(path) }

func syncDirErr(err error) error { return err }
