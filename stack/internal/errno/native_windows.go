package errno

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// native are the Windows errors that mean each Errno: the system's
// ERROR_ codes, Winsock's WSAE codes, and the few Unix-like errnos Go
// itself returns on Windows. A path Linux would answer ENOENT or ENOTDIR
// comes back as ERROR_PATH_NOT_FOUND whichever it is, and a name Windows
// cannot hold (a colon, a '?') is one that is not there.
var native = []match{
	{windows.ERROR_FILE_NOT_FOUND, ENOENT},
	{windows.ERROR_PATH_NOT_FOUND, ENOENT},
	{windows.ERROR_INVALID_NAME, ENOENT},
	{windows.ERROR_BAD_PATHNAME, ENOENT},
	{windows.ERROR_DIRECTORY, ENOTDIR},
	{windows.ERROR_FILENAME_EXCED_RANGE, ENAMETOOLONG},
	{windows.ERROR_ACCESS_DENIED, EACCES},
	{windows.ERROR_SHARING_VIOLATION, EACCES},
	{windows.ERROR_CANT_RESOLVE_FILENAME, ELOOP},
	{windows.ERROR_TOO_MANY_OPEN_FILES, EMFILE},
	{windows.ERROR_BROKEN_PIPE, EPIPE},
	{windows.ERROR_NO_DATA, EPIPE},
	{windows.ERROR_CONNECTION_REFUSED, ECONNREFUSED},
	{windows.WSAECONNREFUSED, ECONNREFUSED},
	{windows.WSAECONNRESET, ECONNRESET},
	{windows.WSAECONNABORTED, ECONNABORTED},
	{windows.WSAETIMEDOUT, ETIMEDOUT},
	{windows.WSAENETUNREACH, ENETUNREACH},
	{windows.WSAEHOSTUNREACH, EHOSTUNREACH},
	{windows.WSAEADDRINUSE, EADDRINUSE},
	{windows.WSAEADDRNOTAVAIL, EADDRNOTAVAIL},
	{windows.WSAEACCES, EACCES},
	{windows.WSAEMFILE, EMFILE},
	{syscall.EINVAL, EINVAL},
	{syscall.EISDIR, EISDIR},
}
