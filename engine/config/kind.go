package config

// Kind names one of the four user configs. Its value is the SharedConfigMessage kind of
// the protobuf wrap (libsession protos.cpp encode_namespace).
type Kind int

// The user configs.
const (
	UserProfile       Kind = 1
	Contacts          Kind = 2
	ConvoInfoVolatile Kind = 3
	UserGroups        Kind = 4
)

// Kinds lists the user configs in the order a restore applies them: the profile first
// (the name on screen), then contacts, read state and groups.
var Kinds = []Kind{UserProfile, Contacts, ConvoInfoVolatile, UserGroups}

// Namespace is the swarm namespace the config lives in (libsession
// include/session/config/namespaces.hpp).
func (k Kind) Namespace() int {
	return int(k) + 1
}

// KindOfNamespace returns the config stored in namespace ns.
func KindOfNamespace(ns int) (Kind, bool) {
	k := Kind(ns - 1)
	return k, k >= UserProfile && k <= UserGroups
}

// Domain is the config's encryption domain (libsession encryption_domain()).
func (k Kind) Domain() string {
	switch k {
	case UserProfile:
		return "UserProfile"
	case Contacts:
		return "Contacts"
	case ConvoInfoVolatile:
		return "ConvoInfoVolatile"
	case UserGroups:
		return "UserGroups"
	}
	return ""
}

func (k Kind) String() string { return k.Domain() }
