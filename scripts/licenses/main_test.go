package main

import (
	"bytes"
	"os"
	"testing"
)

func TestIsLicence(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"LICENSE", true},
		{"LICENSE.md", true},
		{"LICENSE_Inter.txt", true},
		{"LICENSE-reader", true},
		{"license.txt", true},
		{"LICENCE", true},
		{"COPYING", true},
		{"COPYING.txt", true},
		{"PATENTS", true},
		{"NOTICE", true},
		{"AUTHORS", true},
		{"license.go", false},
		{"licenses.txt", false},
		{"README.md", false},
		{"licensed.go", false},
		{"mylicense", false},
		{"CONTRIBUTORS", false},
	} {
		if got := isLicence(tc.name); got != tc.want {
			t.Errorf("isLicence(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The packages ship assets/licenses.txt; it must list what the programs link today. After
// a change of go.mod, make licenses writes it again.
func TestCommittedFileIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list for three platforms")
	}
	var b bytes.Buffer
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../assets/licenses.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), committed) {
		t.Fatal("assets/licenses.txt is out of date: run make licenses and commit it")
	}
}
