package config

// Field helpers of libsession's typed configs (src/config/internal.hpp): each setter
// removes the key when the value is the default, so that unset fields take no space and
// diffs stay small.

func getInt(d Dict, k string) int64 {
	v, _ := d[k].(int64)
	return v
}

func getString(d Dict, k string) string {
	v, _ := d[k].(string)
	return v
}

// setNonEmptyString: set_nonempty_str.
func setNonEmptyString(d Dict, k, v string) {
	if v == "" {
		delete(d, k)
	} else {
		d[k] = v
	}
}

// setFlag: set_flag, 1 or absent.
func setFlag(d Dict, k string, v bool) {
	if v {
		d[k] = int64(1)
	} else {
		delete(d, k)
	}
}

// setNonZero: set_nonzero_int.
func setNonZero(d Dict, k string, v int64) {
	if v == 0 {
		delete(d, k)
	} else {
		d[k] = v
	}
}

// setPositive: set_positive_int.
func setPositive(d Dict, k string, v int64) {
	if v <= 0 {
		delete(d, k)
	} else {
		d[k] = v
	}
}

// subDict returns d[k] as a dict, creating it if create is set.
func subDict(d Dict, k string, create bool) Dict {
	if s, ok := d[k].(Dict); ok {
		return s
	}
	if !create {
		return nil
	}
	s := Dict{}
	d[k] = s
	return s
}

// truncateUTF8 cuts s to at most n bytes without splitting a character (libsession
// utf8_truncate).
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// MaxNameLength is the longest name or nickname in bytes (contacts.hpp MAX_NAME_LENGTH).
const MaxNameLength = 100
