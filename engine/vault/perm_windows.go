//go:build windows

package vault

import (
	"golang.org/x/sys/windows"
)

// restrict gives path an access list of one entry, full control for the current user,
// and stops it inheriting the parent directory's entries: Windows ignores the 0600 and
// 0700 modes that keep other accounts out elsewhere.
func restrict(path string) error {
	tok := windows.GetCurrentProcessToken()
	u, err := tok.GetTokenUser()
	if err != nil {
		return err
	}
	acl, err := windows.ACLFromEntries([]windows.EXPLICIT_ACCESS{{
		AccessPermissions: windows.GENERIC_ALL,
		AccessMode:        windows.SET_ACCESS,
		Inheritance:       windows.SUB_CONTAINERS_AND_OBJECTS_INHERIT,
		Trustee: windows.TRUSTEE{
			TrusteeForm:  windows.TRUSTEE_IS_SID,
			TrusteeType:  windows.TRUSTEE_IS_USER,
			TrusteeValue: windows.TrusteeValueFromSID(u.User.Sid),
		},
	}}, nil)
	if err != nil {
		return err
	}
	return windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION,
		nil, nil, acl, nil)
}

// Restrict makes path (a file or a directory) readable by its owner only; see restrict.
func Restrict(path string) error { return restrict(path) }

// syncDirErr: Windows cannot sync a directory handle; its renames are journalled.
func syncDirErr(error) error { return nil }
