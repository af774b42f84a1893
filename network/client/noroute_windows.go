package client

import "syscall"

// The system's errors for an address it has no route to (Winsock's WSAENETUNREACH and
// WSAEHOSTUNREACH, which the syscall package does not name).
var (
	errNetUnreachable  error = syscall.Errno(10051)
	errHostUnreachable error = syscall.Errno(10065)
)
