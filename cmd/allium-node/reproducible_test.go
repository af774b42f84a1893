package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// releaseFlags are the Makefile's NODE_BUILD flags, with a fixed version: the ones make
// release builds allium-node with: no paths of the build machine (-trimpath), no symbol
// table or DWARF (-s -w), and a fixed, empty build id.
var releaseFlags = []string{"-trimpath", "-ldflags", "-s -w -buildid= -X main.version=v0.0.0-test"}

// TestReproducibleBuild checks the promise of make release: two builds of the same commit
// give byte-identical allium-node binaries, wherever the source sits and whatever the
// output is called. It copies the node's source to two directories of different depth
// and builds each with the release flags. The build cache serves the compiled packages
// to both (with -trimpath their cache keys leave the source directory out), so the
// second build costs only a link.
func TestReproducibleBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds allium-node twice")
	}
	tmp := t.TempDir()
	srcA := filepath.Join(tmp, "a")
	srcB := filepath.Join(tmp, "b", "a-longer-path", "to-the-source")
	copyNodeSource(t, srcA)
	copyNodeSource(t, srcB)

	binA := releaseBuild(t, srcA, filepath.Join(tmp, "allium-node"))
	binB := releaseBuild(t, srcB, filepath.Join(tmp, "allium-node-second"))
	if !bytes.Equal(binA, binB) {
		i := 0
		for i < len(binA) && i < len(binB) && binA[i] == binB[i] {
			i++
		}
		t.Fatalf("two builds differ: %d and %d bytes, first difference at byte %d", len(binA), len(binB), i)
	}
	for _, dir := range []string{srcA, srcB, tmp} {
		if bytes.Contains(binA, []byte(dir)) {
			t.Errorf("the binary holds the build directory %s", dir)
		}
	}
}

// releaseBuild builds allium-node from the module copy in dir with the release flags and
// returns the binary.
func releaseBuild(t *testing.T, dir, out string) []byte {
	t.Helper()
	args := append([]string{"build"}, releaseFlags...)
	args = append(args, "-o", out, "./cmd/allium-node")
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in %s: %v\n%s", dir, err, msg)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// copyNodeSource copies what allium-node is built from to dst: go.mod, go.sum and the
// files of every package of this module that the node depends on, at the same places.
func copyNodeSource(t *testing.T, dst string) {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json=Dir,Module,GoFiles,SFiles,EmbedFiles", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	type pkg struct {
		Dir    string
		Module *struct {
			Main bool
			Dir  string
		}
		GoFiles, SFiles, EmbedFiles []string
	}
	var root string
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if p.Module == nil || !p.Module.Main {
			continue // the standard library and other modules' packages, from their caches
		}
		root = p.Module.Dir
		rel, err := filepath.Rel(root, p.Dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			t.Fatalf("package directory %s is outside the module %s", p.Dir, root)
		}
		for _, f := range append(append(p.GoFiles, p.SFiles...), p.EmbedFiles...) {
			copyFile(t, filepath.Join(p.Dir, f), filepath.Join(dst, rel, f))
		}
	}
	if root == "" {
		t.Fatal("go list found no package of this module")
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		copyFile(t, filepath.Join(root, f), filepath.Join(dst, f))
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
