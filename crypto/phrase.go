package crypto

import (
	_ "embed"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"sort"
	"strings"
	"unicode/utf8"
)

// PhraseWords is the number of words in an account's recovery phrase: twelve that encode
// the 16-byte seed and a checksum word.
const PhraseWords = 13

// wordlistText is the English word table of Session's recovery phrases (protocol data:
// 1626 words, alphabetical, each identified by its first three letters).
//
//go:embed wordlist-english.txt
var wordlistText string

// wordlist is the table split into words. It is constant after package initialisation.
var wordlist = strings.Fields(wordlistText)

const (
	wordCount  = 1626
	prefixLen  = 3
	groupBytes = 4 // every three words encode four bytes
)

// PhraseErrorKind says which check a recovery phrase failed.
type PhraseErrorKind int

const (
	// PhraseUnknownWord: a word is not in the word table (Position and Word say which).
	PhraseUnknownWord PhraseErrorKind = iota + 1
	// PhraseWrongLength: the phrase does not have PhraseWords words (Count says how many).
	PhraseWrongLength
	// PhraseChecksum: every word is known but they do not belong together.
	PhraseChecksum
)

// PhraseError says, in words a person understands, what is wrong with a recovery phrase.
type PhraseError struct {
	Kind     PhraseErrorKind
	Position int    // 1-based position of the unknown word
	Word     string // the unknown word as typed
	Count    int    // number of words found
	Want     int    // number of words expected
}

func (e *PhraseError) Error() string {
	switch e.Kind {
	case PhraseUnknownWord:
		return fmt.Sprintf("Word %d, %q, is not a recovery phrase word. Check its spelling.", e.Position, e.Word)
	case PhraseWrongLength:
		return fmt.Sprintf("A recovery phrase has %d words; this one has %d.", e.Want, e.Count)
	default:
		return "These words do not belong together: one of them is probably mistyped or out of order. Compare them with the phrase you saved."
	}
}

// Phrase returns the 13-word recovery phrase of a seed, in lower case.
func Phrase(s Seed) string {
	words, err := EncodeWords(s[:], true)
	if err != nil {
		panic("crypto: seed length is a multiple of four: " + err.Error())
	}
	return strings.Join(words, " ")
}

// Phrase returns the account's recovery phrase, or an error if the identity was made from
// a full 32-byte seed that no 13-word phrase encodes.
func (id *Identity) Phrase() (string, error) {
	s, ok := id.Seed()
	if !ok {
		return "", fmt.Errorf("crypto: this account has no 13-word recovery phrase")
	}
	return Phrase(s), nil
}

// ParsePhrase reads a recovery phrase as a person types or pastes it: case and extra
// spaces are ignored and each word is recognised by its first three letters. Errors are
// *PhraseError values.
func ParsePhrase(text string) (Seed, error) {
	var s Seed
	words := strings.Fields(text)
	idx, err := wordIndices(words)
	if err != nil {
		return s, err
	}
	if len(words) != PhraseWords {
		return s, &PhraseError{Kind: PhraseWrongLength, Count: len(words), Want: PhraseWords}
	}
	b, err := decodeIndices(idx, true)
	if err != nil {
		return s, err
	}
	copy(s[:], b)
	return s, nil
}

// RestoreIdentity rebuilds an account from its recovery phrase.
func RestoreIdentity(phrase string) (*Identity, error) {
	s, err := ParsePhrase(phrase)
	if err != nil {
		return nil, err
	}
	return NewIdentity(s), nil
}

// PhraseWordKnown reports whether a single typed word is a recovery phrase word (matched,
// like ParsePhrase, by its first three letters, ignoring case). Views use it to point at
// mistakes word by word as they are typed.
func PhraseWordKnown(word string) bool {
	_, ok := lookupWord(word)
	return ok
}

// EncodeWords encodes b (a multiple of four bytes) as words, three per four bytes, adding
// the checksum word if checksum is set.
func EncodeWords(b []byte, checksum bool) ([]string, error) {
	if len(b)%groupBytes != 0 {
		return nil, fmt.Errorf("crypto: phrase input of %d bytes is not a multiple of %d", len(b), groupBytes)
	}
	n := len(b) / groupBytes * 3
	words := make([]string, 0, n+1)
	for i := 0; i < len(b); i += groupBytes {
		x := binary.LittleEndian.Uint32(b[i:])
		w1 := x % wordCount
		w2 := (x/wordCount + w1) % wordCount
		w3 := (x/wordCount/wordCount + w2) % wordCount
		words = append(words, wordlist[w1], wordlist[w2], wordlist[w3])
	}
	if checksum && n > 0 {
		words = append(words, words[checksumIndex(words)])
	}
	return words, nil
}

// DecodeWords is the inverse of EncodeWords. Errors are *PhraseError values.
func DecodeWords(words []string, checksum bool) ([]byte, error) {
	idx, err := wordIndices(words)
	if err != nil {
		return nil, err
	}
	return decodeIndices(idx, checksum)
}

func wordIndices(words []string) ([]int, error) {
	idx := make([]int, len(words))
	for i, w := range words {
		j, ok := lookupWord(w)
		if !ok {
			return nil, &PhraseError{Kind: PhraseUnknownWord, Position: i + 1, Word: w}
		}
		idx[i] = j
	}
	return idx, nil
}

func decodeIndices(idx []int, checksum bool) ([]byte, error) {
	data := idx
	if checksum {
		if len(idx) < 4 || (len(idx)-1)%3 != 0 {
			return nil, &PhraseError{Kind: PhraseWrongLength, Count: len(idx), Want: PhraseWords}
		}
		data = idx[:len(idx)-1]
		words := make([]string, len(data))
		for i, j := range data {
			words[i] = wordlist[j]
		}
		// The checksum word is compared by index: both sides are canonical list entries.
		if data[checksumIndex(words)] != idx[len(idx)-1] {
			return nil, &PhraseError{Kind: PhraseChecksum}
		}
	} else if len(idx)%3 != 0 {
		return nil, &PhraseError{Kind: PhraseWrongLength, Count: len(idx), Want: PhraseWords}
	}
	out := make([]byte, len(data)/3*groupBytes)
	for i := 0; i < len(data); i += 3 {
		w1, w2, w3 := uint64(data[i]), uint64(data[i+1]), uint64(data[i+2])
		x := w1 + wordCount*((wordCount-w1+w2)%wordCount) + wordCount*wordCount*((wordCount-w2+w3)%wordCount)
		// Three words can name values up to 1626³ > 2³²; those encode no four bytes.
		if x%wordCount != w1 || x > 0xffffffff {
			return nil, &PhraseError{Kind: PhraseChecksum}
		}
		binary.LittleEndian.PutUint32(out[i/3*groupBytes:], uint32(x))
	}
	return out, nil
}

// checksumIndex picks the checksum word: CRC-32 (zlib) of the concatenated three-letter
// prefixes, modulo the number of words.
func checksumIndex(words []string) int {
	h := crc32.NewIEEE()
	for _, w := range words {
		h.Write([]byte(w[:prefixLen]))
	}
	return int(h.Sum32() % uint32(len(words)))
}

// lookupWord finds a word by its first three letters. The table is alphabetical with
// unique prefixes, so a binary search on the prefix finds the only candidate.
func lookupWord(word string) (int, bool) {
	w := strings.ToLower(word)
	if utf8.RuneCountInString(w) < prefixLen {
		return 0, false
	}
	p := w[:prefixLen]
	for i := 0; i < prefixLen; i++ {
		if p[i] < 'a' || p[i] > 'z' {
			return 0, false
		}
	}
	i := sort.Search(len(wordlist), func(i int) bool { return wordlist[i][:prefixLen] >= p })
	if i < len(wordlist) && wordlist[i][:prefixLen] == p {
		return i, true
	}
	return 0, false
}
