package crypto

import (
	"errors"
	"strings"
	"testing"
)

const aliceID = "05d2ad010eeb72d72e561d9de7bd7b6989af77dcabffa03a5111a6c859ae5c3a72"

var sessionIDCases = []struct {
	name   string
	in     string
	want   string // canonical form when valid
	reason string // substring of the sentence when invalid
}{
	{"canonical", aliceID, aliceID, ""},
	{"surrounding spaces", "  " + aliceID + "\n", aliceID, ""},
	{"upper case", strings.ToUpper(aliceID), aliceID, ""},
	{"empty", "", "", "Enter a Session ID"},
	{"only spaces", "   ", "", "Enter a Session ID"},
	{"64 characters", aliceID[2:], "", "A Session ID has 66 characters; this one has 64."},
	{"too long", aliceID + "00", "", "this one has 68"},
	{"not hex", aliceID[:10] + "g" + aliceID[11:], "", `character 11 ('g')`},
	{"inner space", aliceID[:10] + " " + aliceID[11:], "", "character 11"},
	{"non-ASCII", aliceID[:65] + "é", "", "character 66"},
	{"prefix 00", "00" + aliceID[2:], "", "A Session ID starts with 05."},
	{"group 03", "03" + aliceID[2:], "", "ID of a group"},
	{"blinded 15", "15" + aliceID[2:], "", "community ID"},
	{"blinded 25", "25" + aliceID[2:], "", "community ID"},
	{"all-zero key", "05" + strings.Repeat("0", 64), "", "all zeros"},
}

func TestParseSessionID(t *testing.T) {
	for _, c := range sessionIDCases {
		t.Run(c.name, func(t *testing.T) {
			id, err := ParseSessionID(c.in)
			if c.reason == "" {
				if err != nil {
					t.Fatalf("ParseSessionID(%q): %v", c.in, err)
				}
				if id.String() != c.want {
					t.Fatalf("ParseSessionID(%q) = %s, want %s", c.in, id, c.want)
				}
				return
			}
			var e *SessionIDError
			if !errors.As(err, &e) {
				t.Fatalf("ParseSessionID(%q) err = %v, want *SessionIDError", c.in, err)
			}
			if !strings.Contains(e.Error(), c.reason) {
				t.Fatalf("ParseSessionID(%q) = %q, want it to mention %q", c.in, e.Error(), c.reason)
			}
		})
	}
}

func FuzzParseSessionID(f *testing.F) {
	for _, c := range sessionIDCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseSessionID(s)
		if err != nil {
			var e *SessionIDError
			if !errors.As(err, &e) || e.Reason == "" {
				t.Fatalf("error without a sentence: %v", err)
			}
			return
		}
		if id[0] != byte(PrefixStandard) {
			t.Fatalf("accepted prefix %02x", id[0])
		}
		// A parsed ID prints in canonical form and parses back to itself.
		again, err := ParseSessionID(id.String())
		if err != nil || again != id {
			t.Fatalf("round trip of %s: %v", id, err)
		}
	})
}
