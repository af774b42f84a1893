package crypto

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"strings"
	"testing"
)

type mnemonicVectors struct {
	Wordlist struct {
		Count  int      `json:"count"`
		First  []string `json:"first"`
		Last   []string `json:"last"`
		SHA256 string   `json:"sha256_of_words_joined_by_newline"`
	} `json:"wordlist"`
	Cases []struct {
		Label    string `json:"label"`
		Bytes    string `json:"bytes"`
		Checksum bool   `json:"checksum"`
		Words    string `json:"words"`
		Indices  []int  `json:"word_indices"`
	} `json:"cases"`
	Decode []struct {
		Label string  `json:"label"`
		Words string  `json:"words"`
		Valid bool    `json:"valid"`
		Bytes *string `json:"bytes"`
	} `json:"decode_cases"`
}

func TestWordlist(t *testing.T) {
	var v mnemonicVectors
	loadVectors(t, "mnemonic.json", &v)
	if len(wordlist) != v.Wordlist.Count || len(wordlist) != wordCount {
		t.Fatalf("word list has %d words, want %d", len(wordlist), v.Wordlist.Count)
	}
	sum := sha256.Sum256([]byte(strings.Join(wordlist, "\n")))
	if got := hex.EncodeToString(sum[:]); got != v.Wordlist.SHA256 {
		t.Errorf("word list fingerprint %s, want %s", got, v.Wordlist.SHA256)
	}
	if got := wordlist[:3]; strings.Join(got, " ") != strings.Join(v.Wordlist.First, " ") {
		t.Errorf("first words %v", got)
	}
	if got := wordlist[len(wordlist)-3:]; strings.Join(got, " ") != strings.Join(v.Wordlist.Last, " ") {
		t.Errorf("last words %v", got)
	}
	// lookupWord relies on an alphabetical list with unique three-letter prefixes.
	for i, w := range wordlist {
		if j, ok := lookupWord(w); !ok || j != i {
			t.Fatalf("lookupWord(%q) = %d, %v; want %d", w, j, ok, i)
		}
	}
}

func TestCRC32CheckValue(t *testing.T) {
	// The checksum word uses zlib's CRC-32 (ISO-HDLC), whose check value is fixed.
	if got := crc32.ChecksumIEEE([]byte("123456789")); got != 0xcbf43926 {
		t.Fatalf("crc32 = %08x", got)
	}
}

func TestEncodeWordsVectors(t *testing.T) {
	var v mnemonicVectors
	loadVectors(t, "mnemonic.json", &v)
	for _, c := range v.Cases {
		t.Run(c.Label, func(t *testing.T) {
			b := unhex(t, c.Bytes)
			words, err := EncodeWords(b, c.Checksum)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(words, " "); got != c.Words {
				t.Fatalf("EncodeWords = %q\nwant %q", got, c.Words)
			}
			for i, want := range c.Indices {
				if j, _ := lookupWord(words[i]); j != want {
					t.Errorf("word %d index %d, want %d", i, j, want)
				}
			}
			back, err := DecodeWords(strings.Fields(c.Words), c.Checksum)
			if err != nil || hex.EncodeToString(back) != c.Bytes {
				t.Fatalf("DecodeWords = %x, %v; want %s", back, err, c.Bytes)
			}
		})
	}
}

func TestDecodeWordsVectors(t *testing.T) {
	var v mnemonicVectors
	loadVectors(t, "mnemonic.json", &v)
	for _, c := range v.Decode {
		t.Run(c.Label, func(t *testing.T) {
			words := strings.Fields(c.Words)
			got, err := DecodeWords(words, len(words)%3 == 1)
			if !c.Valid {
				var pe *PhraseError
				if !errors.As(err, &pe) {
					t.Fatalf("DecodeWords(%q) = %x, %v; want a *PhraseError", c.Words, got, err)
				}
				return
			}
			if err != nil || hex.EncodeToString(got) != *c.Bytes {
				t.Fatalf("DecodeWords = %x, %v; want %s", got, err, *c.Bytes)
			}
		})
	}
}

const testPhrase = "amaze buffet cake entrance symptoms tiger lamb maze nestle python dusted faxed faxed"

var phraseCases = []struct {
	name     string
	in       string
	seed     string // hex when valid
	kind     PhraseErrorKind
	position int
	sentence string
}{
	{"canonical", testPhrase, "000102030405060708090a0b0c0d0e0f", 0, 0, ""},
	{"upper case and extra spaces", "  AMAZE  Buffet cake\tentrance symptoms tiger lamb maze nestle python dusted faxed FAXED \n", "000102030405060708090a0b0c0d0e0f", 0, 0, ""},
	{"prefixes only", "ama buf cak ent sym tig lam maz nes pyt dus fax fax", "000102030405060708090a0b0c0d0e0f", 0, 0, ""},
	{"unknown word", strings.Replace(testPhrase, "tiger", "xylophone", 1), "", PhraseUnknownWord, 6, `Word 6, "xylophone", is not a recovery phrase word.`},
	{"two-letter word", strings.Replace(testPhrase, "lamb", "la", 1), "", PhraseUnknownWord, 7, `"la"`},
	{"twelve words", strings.TrimSuffix(testPhrase, " faxed"), "", PhraseWrongLength, 0, "A recovery phrase has 13 words; this one has 12."},
	{"fourteen words", testPhrase + " faxed", "", PhraseWrongLength, 0, "this one has 14"},
	{"empty", "", "", PhraseWrongLength, 0, "this one has 0"},
	{"wrong checksum", strings.TrimSuffix(testPhrase, "faxed") + "amaze", "", PhraseChecksum, 0, "do not belong together"},
	{"swapped words", "buffet amaze cake entrance symptoms tiger lamb maze nestle python dusted faxed faxed", "", PhraseChecksum, 0, "do not belong together"},
}

func TestParsePhrase(t *testing.T) {
	for _, c := range phraseCases {
		t.Run(c.name, func(t *testing.T) {
			s, err := ParsePhrase(c.in)
			if c.kind == 0 {
				if err != nil || hex.EncodeToString(s[:]) != c.seed {
					t.Fatalf("ParsePhrase = %x, %v; want %s", s, err, c.seed)
				}
				return
			}
			var pe *PhraseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParsePhrase err = %v, want *PhraseError", err)
			}
			if pe.Kind != c.kind || pe.Position != c.position {
				t.Errorf("kind %d position %d, want %d %d", pe.Kind, pe.Position, c.kind, c.position)
			}
			if !strings.Contains(pe.Error(), c.sentence) {
				t.Errorf("error %q does not say %q", pe.Error(), c.sentence)
			}
		})
	}
}

func TestPhraseWordKnown(t *testing.T) {
	for w, want := range map[string]bool{"amaze": true, "AMA": true, "amazing": true, "am": false, "zzz": false, "": false, "çaé": false} {
		if got := PhraseWordKnown(w); got != want {
			t.Errorf("PhraseWordKnown(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestPhraseRoundTrip(t *testing.T) {
	for i := 0; i < 256; i++ {
		var s Seed
		for j := range s {
			s[j] = byte(i*31 + j*i + j)
		}
		got, err := ParsePhrase(Phrase(s))
		if err != nil || got != s {
			t.Fatalf("round trip of %x: %x, %v", s, got, err)
		}
	}
}

func FuzzParsePhrase(f *testing.F) {
	for _, c := range phraseCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParsePhrase(text)
		if err != nil {
			var pe *PhraseError
			if !errors.As(err, &pe) || pe.Error() == "" {
				t.Fatalf("error is not a *PhraseError: %v", err)
			}
			return
		}
		// Whatever was accepted re-encodes to a phrase that decodes to the same seed.
		again, err := ParsePhrase(Phrase(s))
		if err != nil || again != s {
			t.Fatalf("re-encoding %x: %x, %v", s, again, err)
		}
	})
}
