//go:build unix

package prefork

// Supported reports whether the pre-fork server runs on this system: nil
// on Unix, where worker processes inherit the listening socket and accept
// on it themselves.
func Supported() error { return nil }
