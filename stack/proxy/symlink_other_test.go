//go:build !windows

package proxy

// symlinkRefused reports whether err is the system refusing to make a
// symlink at all: never on Unix, where anyone may make one.
func symlinkRefused(error) bool { return false }
