package app

import (
	"bytes"
	"log"
	"strings"
	"testing"
)

func TestFilterFyneLog(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{
			name:  "an empty preferences file",
			lines: []string{"Fyne error:  Preferences load error:", "  Cause: EOF", "  At: fyne.io/fyne/v2@v2.7.1/app/preferences.go:103"},
		},
		{
			name:  "a broken preferences file",
			lines: []string{"Fyne error:  Preferences load error:", "  Cause: invalid character 'x' looking for beginning of value", "  At: fyne.io/fyne/v2@v2.7.1/app/preferences.go:103"},
			want:  []string{"Fyne error:  Preferences load error:", "  Cause: invalid character 'x' looking for beginning of value", "  At: fyne.io/fyne/v2@v2.7.1/app/preferences.go:103"},
		},
		{
			name:  "other errors around it",
			lines: []string{"Fyne error:  Failed to open", "  Cause: EOF", "Fyne error:  Preferences load error:", "  Cause: EOF", "  At: x.go:1", "  At: y.go:2"},
			want:  []string{"Fyne error:  Failed to open", "  Cause: EOF", "  At: y.go:2"},
		},
		{
			name:  "a report without its place",
			lines: []string{"Fyne error:  Preferences load error:", "  Cause: EOF", "Fyne error:  Window creation error"},
			want:  []string{"Fyne error:  Window creation error"},
		},
		{
			name:  "two in a row",
			lines: []string{"Fyne error:  Preferences load error:", "Fyne error:  Preferences load error:", "  Cause: EOF", "  At: x.go:1"},
			want:  []string{"Fyne error:  Preferences load error:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			l := log.New(FilterFyneLog(&out), "", 0)
			for _, line := range tt.lines {
				l.Println(line)
			}
			want := ""
			if len(tt.want) > 0 {
				want = strings.Join(tt.want, "\n") + "\n"
			}
			if got := out.String(); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}
