// Command licenses writes the licences of the open-source code that Allium's programs are
// built from: Go's runtime and standard library and every module a program links, on every
// platform the programs are released for. Their licences ask that binary copies carry
// them, so the packages ship the result (assets/licenses.txt, also shown in Settings ›
// About).
//
//	go run ./scripts/licenses >assets/licenses.txt      (make licenses)
//
// Only modules that a program links are listed, not those used by tests alone.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// programs are listed as they link on each platform they are released for; the app is
// built with cgo.
var (
	programs  = []string{".", "./cmd/allium-cli", "./cmd/allium-node"}
	platforms = []string{"linux", "windows", "darwin"}
)

// licenceName matches the files that hold a licence or the notices a licence refers to:
// LICENSE, LICENSE.md, LICENSE_Inter.txt, LICENSE-reader, COPYING.txt, PATENTS, NOTICE,
// and AUTHORS, which some copyright lines point to.
var licenceName = regexp.MustCompile(`(?i)^(licen[cs]e|copying|notice|patents|authors)([._-].*)?$`)

// isLicence reports whether a file holds licence text: a name licenceName matches that is
// not source code.
func isLicence(name string) bool {
	switch filepath.Ext(name) {
	case ".go", ".c", ".h", ".s":
		return false
	}
	return licenceName.MatchString(name)
}

// skipDir names directories whose files no program links: commands, examples and tests
// of the module itself.
func skipDir(name string) bool {
	switch name {
	case "cmd", "testdata", "example", "examples", "_examples", ".git", ".github":
		return true
	}
	return false
}

type module struct{ Path, Version, Dir string }

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "licenses:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	mods, err := linkedModules()
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString("Allium is built from the open-source software below. Each part's licence follows\n" +
		"its name, with the files it comes from.\n")
	gomod, err := goEnv("GOMOD")
	if err != nil {
		return err
	}
	goroot, err := goEnv("GOROOT")
	if err != nil {
		return err
	}
	if err := section(&b, "Go (runtime and standard library)", "https://go.dev", goroot, []string{"LICENSE", "PATENTS"}); err != nil {
		return err
	}
	// The font is Allium's own asset rather than a module's, and its licence asks to be
	// shipped with it all the same.
	mainDir := filepath.Dir(gomod)
	if err := section(&b, "Vazirmatn 33.0.3 (the font, embedded from assets/fonts)", "https://github.com/rastikerdar/vazirmatn",
		filepath.Join(mainDir, "assets", "fonts"), []string{"LICENSE-Vazirmatn.txt"}); err != nil {
		return err
	}
	for _, m := range mods {
		files, err := licenceFiles(m.Dir)
		if err != nil {
			return err
		}
		if len(files) == 0 {
			return fmt.Errorf("%s %s has no licence file", m.Path, m.Version)
		}
		if err := section(&b, m.Path+" "+m.Version, "", m.Dir, files); err != nil {
			return err
		}
	}
	_, err = w.Write(b.Bytes())
	return err
}

// linkedModules lists, sorted by path, the modules other than Allium's own that any of
// the programs links on any of the platforms.
func linkedModules() ([]module, error) {
	gomod, err := goEnv("GOMOD")
	if err != nil {
		return nil, err
	}
	seen := map[string]module{}
	for _, goos := range platforms {
		args := append([]string{"list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}\t{{.Version}}\t{{.Dir}}\n{{end}}{{end}}"}, programs...)
		cmd := exec.Command("go", args...)
		cmd.Dir = filepath.Dir(gomod)
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=1", "GOFLAGS=-mod=readonly")
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list for %s: %w", goos, err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Split(line, "\t")
			if len(f) != 3 {
				continue
			}
			m := module{Path: f[0], Version: f[1], Dir: f[2]}
			if m.Dir == "" {
				return nil, fmt.Errorf("module %s is not downloaded (run go mod download)", m.Path)
			}
			seen[m.Path] = m
		}
	}
	mods := make([]module, 0, len(seen))
	for _, m := range seen {
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	return mods, nil
}

// licenceFiles returns, relative to dir and sorted, the licence files of a module: those
// at its top and those beside code further down (fonts and C sources bring their own),
// leaving out commands, examples and test data.
func licenceFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && isLicence(d.Name()) {
			rel, err := filepath.Rel(dir, path)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

func section(b *bytes.Buffer, title, url, dir string, files []string) error {
	b.WriteString("\n" + strings.Repeat("=", 78) + "\n" + title + "\n")
	if url != "" {
		b.WriteString(url + "\n")
	}
	for _, f := range files {
		text, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			return err
		}
		text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
		b.WriteString("\n[" + f + "]\n\n")
		b.Write(bytes.TrimRight(text, "\n"))
		b.WriteString("\n")
	}
	return nil
}

func goEnv(name string) (string, error) {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	v := strings.TrimSpace(string(out))
	if v == "" {
		return "", errors.New("go env " + name + " is empty")
	}
	return v, nil
}
