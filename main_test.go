package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestLocaleCUTF8 runs this test binary again under LC_ALL=C.UTF-8. Fyne reads the locale
// while the program is initialised, before main, and must not find one it reports it
// cannot parse: app/internal/clocale gives it one first.
func TestLocaleCUTF8(t *testing.T) {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LANGUAGE=") && !strings.HasPrefix(kv, "LC_ALL=") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(env, "LC_ALL=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	if strings.Contains(string(out), "Error parsing user locale") {
		t.Errorf("under LC_ALL=C.UTF-8 Fyne reported:\n%s", out)
	}
}
