//go:build unix

package errno

import "syscall"

// native are the errnos of this Unix, whose numbers differ from Linux's
// on macOS and the BSDs, but not their names.
var native = []match{
	{syscall.EPERM, EPERM},
	{syscall.ENOENT, ENOENT},
	{syscall.EIO, EIO},
	{syscall.EACCES, EACCES},
	{syscall.ENOTDIR, ENOTDIR},
	{syscall.EISDIR, EISDIR},
	{syscall.EINVAL, EINVAL},
	{syscall.ENFILE, ENFILE},
	{syscall.EMFILE, EMFILE},
	{syscall.EMLINK, EMLINK},
	{syscall.EPIPE, EPIPE},
	{syscall.ENAMETOOLONG, ENAMETOOLONG},
	{syscall.ELOOP, ELOOP},
	{syscall.EADDRINUSE, EADDRINUSE},
	{syscall.EADDRNOTAVAIL, EADDRNOTAVAIL},
	{syscall.ENETUNREACH, ENETUNREACH},
	{syscall.ECONNABORTED, ECONNABORTED},
	{syscall.ECONNRESET, ECONNRESET},
	{syscall.ETIMEDOUT, ETIMEDOUT},
	{syscall.ECONNREFUSED, ECONNREFUSED},
	{syscall.EHOSTUNREACH, EHOSTUNREACH},
	{syscall.ECANCELED, ECANCELED},
}
