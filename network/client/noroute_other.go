//go:build !windows

package client

import "syscall"

// The system's errors for an address it has no route to.
var (
	errNetUnreachable  error = syscall.ENETUNREACH
	errHostUnreachable error = syscall.EHOSTUNREACH
)
