package crypto

// PaddingBlock is the block size Session pads message contents to, so that a ciphertext
// reveals only roughly how long a message is.
const PaddingBlock = 160

// PaddedLen returns the length Pad gives a message of n bytes: n plus the 0x80 marker,
// rounded up to the next multiple of PaddingBlock. When n+1 is already a multiple, a whole
// extra block is added, as libsession does.
func PaddedLen(n int) int {
	n++
	return n + PaddingBlock - n%PaddingBlock
}

// AppendPadded appends c followed by 0x80 and zeros up to PaddedLen(len(c)).
func AppendPadded(dst, c []byte) []byte {
	n := PaddedLen(len(c))
	dst = append(dst, c...)
	dst = append(dst, 0x80)
	return append(dst, make([]byte, n-len(c)-1)...)
}

// Unpad removes Session's padding from m: trailing zeros, then one 0x80. Any other last
// non-zero byte means the sender did not pad (or used a scheme we do not know), and m is
// returned whole. Both the current 160-byte scheme and the older 160k-1 one unpad this way.
func Unpad(m []byte) []byte {
	for i := len(m) - 1; i >= 0; i-- {
		switch m[i] {
		case 0x00:
			continue
		case 0x80:
			return m[:i]
		default:
			return m
		}
	}
	return m
}
