package assets

import "embed"

// Translations holds the interface's words, one catalogue per language, named by its
// language tag (en.json, fa.json). Each maps the English text (or a key) to the
// language's words; app loads every file it finds here, so a language is added by
// dropping its file into assets/translations.
//
//go:embed translations/*.json
var Translations embed.FS
