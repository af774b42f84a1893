package clocale

import "testing"

func TestLanguage(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"nothing set", nil, ""},
		{"C.UTF-8", map[string]string{"LANG": "C.UTF-8"}, "en"},
		{"C.utf8", map[string]string{"LANG": "C.utf8"}, "en"},
		{"POSIX with an encoding", map[string]string{"LANG": "POSIX.UTF-8"}, "en"},
		{"C with a modifier", map[string]string{"LANG": "C@euro"}, "en"},
		{"plain C is understood", map[string]string{"LANG": "C"}, ""},
		{"plain POSIX is understood", map[string]string{"LANG": "POSIX"}, ""},
		{"a language", map[string]string{"LANG": "fa_IR.UTF-8"}, ""},
		{"LC_ALL comes first", map[string]string{"LC_ALL": "C.UTF-8", "LANG": "de_DE.UTF-8"}, "en"},
		{"LC_ALL with a language", map[string]string{"LC_ALL": "de_DE.UTF-8", "LANG": "C.UTF-8"}, ""},
		{"LC_MESSAGES before LANG", map[string]string{"LC_MESSAGES": "C.UTF-8", "LANG": "fa_IR.UTF-8"}, "en"},
		{"LANGUAGE already chosen", map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "fa"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := language(func(k string) string { return tt.env[k] })
			if got != tt.want {
				t.Errorf("language(%v) = %q, want %q", tt.env, got, tt.want)
			}
		})
	}
}
