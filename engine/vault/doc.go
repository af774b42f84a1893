// Package vault keeps a profile's key: 32 random bytes from which the store derives the
// keys that encrypt everything the profile holds on disk (see engine/store's package
// comment). The key never appears in a file of the profile in plain form unless nothing
// better is available, and then the app says so.
//
// # Where the key lives
//
// A profile directory holds one small file, profile.key, that says where its key is:
//
//   - SecretStore: in the operating system's secret store (Secret Service over D-Bus on
//     Linux, the Keychain on macOS, the Credential Manager on Windows, through
//     github.com/zalando/go-keyring). The file holds only the entry's random name. A
//     program turns this on with UseSecretStore; without it (tests, or a store that does
//     not answer within a few seconds) the key goes to a key file.
//   - KeyFile: in profile.key itself. Anyone who copies the profile can read it; Settings
//     warns about this in plain words.
//   - Passphrase: wrapped with a key derived from the person's passphrase by Argon2id
//     (time 3, 64 MiB, 4 lanes: RFC 9106's second recommended setting; 0.08 – 0.3 s on
//     a 2-core AMD EPYC virtual machine, quiet or busy, which leaves a slow laptop
//     several times as long within a second; see BENCHMARKS.md) and sealed with
//     XChaCha20-Poly1305. The seal's tag is the key check: a wrong passphrase fails to
//     open it and changes nothing.
//
// Changing where the key lives writes the new profile.key beside the old one, renames it
// into place and only then overwrites the old one, so a crash at any moment leaves one
// usable file. The profile key itself never changes, so the database is not rewritten.
//
// An unlocked key is kept in memory for the process (Unlock, ProfileKey) until Lock, so
// that the store, the engine and the tools that open a profile briefly need no passphrase
// of their own.
package vault
