package config

// Profile is the typed view of the UserProfile config (libsession
// src/config/user_profile.cpp): "n" name, "p"/"q" avatar URL and 32-byte key, "+"
// Note-to-Self priority, "e" Note-to-Self disappearing timer. Other keys ("M", "t",
// Pro fields, …) are not touched, so they are kept and pushed back as they were.
type Profile struct {
	Name        string
	PicURL      string
	PicKey      []byte
	NTSPriority int64
	NTSExpiry   int64 // seconds
}

// ReadProfile reads the profile from UserProfile data.
func ReadProfile(d Dict) Profile {
	p := Profile{Name: getString(d, "n"), NTSPriority: getInt(d, "+")}
	url, key := getString(d, "p"), getString(d, "q")
	if url != "" && len(key) == 32 {
		p.PicURL, p.PicKey = url, []byte(key)
	}
	if e := getInt(d, "e"); e > 0 {
		p.NTSExpiry = e
	}
	return p
}

// SetProfileName sets the display name (set_name_truncated).
func SetProfileName(d Dict, name string) {
	setNonEmptyString(d, "n", truncateUTF8(name, MaxNameLength))
}

// SetProfilePic sets the avatar, or removes it if url is empty or key is not 32 bytes
// (set_profile_pic).
func SetProfilePic(d Dict, url string, key []byte) {
	if url != "" && len(key) == 32 {
		d["p"], d["q"] = url, string(key)
	} else {
		delete(d, "p")
		delete(d, "q")
	}
}

// SetNTSPriority sets Note to Self's priority: 0 normal, -1 hidden, > 0 pinned.
func SetNTSPriority(d Dict, p int64) { setNonZero(d, "+", p) }
