// Package clocale tells Fyne that a C or POSIX locale with an encoding, such as
// LANG=C.UTF-8 (the default of many servers and containers), asks for no language, as
// a plain C locale does. Fyne cannot parse "C.UTF-8": it reports "Error parsing user
// locale C" on standard error and falls back to English.
//
// Fyne reads the locale when its lang package is initialised, before main runs, so this
// package does its work in init. Go initialises packages in the order of their import
// paths whenever their imports allow it: this one imports only the standard library, and
// "allium/..." sorts before "fyne.io/...", so its init runs first. The app package
// imports it for that init alone.
package clocale

import (
	"os"
	"strings"
)

func init() {
	if l := language(os.Getenv); l != "" {
		_ = os.Setenv("LANGUAGE", l) // fails only for an invalid variable name
	}
}

// language returns the LANGUAGE value that makes Fyne choose English without an error
// under a C or POSIX locale, or "" when nothing needs to change.
//
// Fyne takes the locale from the first of LC_ALL, LC_MESSAGES and LANG that is set; it
// accepts plain "C" and "POSIX", and for any other value takes LANGUAGE first when it is
// set. LANGUAGE=en changes nothing else: gettext ignores LANGUAGE under a plain C
// locale, and a C locale's messages are English anyway, in this process and in the
// programs it starts.
func language(getenv func(string) string) string {
	if getenv("LANGUAGE") != "" {
		return ""
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		// C.UTF-8, C@modifier, POSIX.UTF-8: the name before the encoding and modifier.
		base, _, _ := strings.Cut(v, ".")
		base, _, _ = strings.Cut(base, "@")
		if v != base && (base == "C" || base == "POSIX") {
			return "en"
		}
		return ""
	}
	return ""
}
