// Package errno words the system errors the layers meet as nginx prints
// them on Linux, the talk's platform: "2: No such file or directory",
// "111: Connection refused".
//
// The lab shows Linux's number and text on every system, so that the
// journey and the error log read the same on a Mac or a Windows laptop as
// in the talk: macOS numbers ELOOP 62 and ECONNREFUSED 61, and Windows
// answers with its own codes (ERROR_FILE_NOT_FOUND, WSAECONNREFUSED). Of
// finds the error in the error's chain by errors.Is, through a per-system
// list of the native errors that mean each one.
package errno

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
)

// Errno is an error number as Linux numbers it.
type Errno int

// The errors the layers word, by their Linux numbers.
const (
	EPERM         Errno = 1
	ENOENT        Errno = 2
	EIO           Errno = 5
	EACCES        Errno = 13
	ENOTDIR       Errno = 20
	EISDIR        Errno = 21
	EINVAL        Errno = 22
	ENFILE        Errno = 23
	EMFILE        Errno = 24
	EMLINK        Errno = 31
	EPIPE         Errno = 32
	ENAMETOOLONG  Errno = 36
	ELOOP         Errno = 40
	EADDRINUSE    Errno = 98
	EADDRNOTAVAIL Errno = 99
	ENETUNREACH   Errno = 101
	ECONNABORTED  Errno = 103
	ECONNRESET    Errno = 104
	ETIMEDOUT     Errno = 110
	ECONNREFUSED  Errno = 111
	EHOSTUNREACH  Errno = 113
	ECANCELED     Errno = 125
)

// texts are Linux's words for each Errno (glibc's strerror).
var texts = map[Errno]string{
	EPERM:         "Operation not permitted",
	ENOENT:        "No such file or directory",
	EIO:           "Input/output error",
	EACCES:        "Permission denied",
	ENOTDIR:       "Not a directory",
	EISDIR:        "Is a directory",
	EINVAL:        "Invalid argument",
	ENFILE:        "Too many open files in system",
	EMFILE:        "Too many open files",
	EMLINK:        "Too many links",
	EPIPE:         "Broken pipe",
	ENAMETOOLONG:  "File name too long",
	ELOOP:         "Too many levels of symbolic links",
	EADDRINUSE:    "Address already in use",
	EADDRNOTAVAIL: "Cannot assign requested address",
	ENETUNREACH:   "Network is unreachable",
	ECONNABORTED:  "Software caused connection abort",
	ECONNRESET:    "Connection reset by peer",
	ETIMEDOUT:     "Connection timed out",
	ECONNREFUSED:  "Connection refused",
	EHOSTUNREACH:  "No route to host",
	ECANCELED:     "Operation canceled",
}

// String words e as nginx logs it: "2: No such file or directory".
func (e Errno) String() string {
	return fmt.Sprintf("%d: %s", int(e), e.Message())
}

// Message is Linux's text for e alone, as strerror gives it and programs
// such as telnet print it: "Connection refused".
func (e Errno) Message() string {
	return texts[e]
}

// match is a native error that means an Errno on this system.
type match struct {
	native error
	errno  Errno
}

// portable are the errors that mean the same everywhere, tried after the
// system's own list.
var portable = []match{
	{context.Canceled, ECANCELED},
	{fs.ErrNotExist, ENOENT},
	{fs.ErrPermission, EACCES},
}

// Of returns the Errno that err, or an error it wraps, means, and false
// when it means none that the layers word.
func Of(err error) (Errno, bool) {
	for _, list := range [][]match{native, portable} {
		for _, m := range list {
			if errors.Is(err, m.native) {
				return m.errno, true
			}
		}
	}
	return 0, false
}

// Is reports whether err, or an error it wraps, means e on this system:
// Is(err, ECONNRESET) holds for Linux's and macOS's ECONNRESET and for
// Windows's WSAECONNRESET.
func Is(err error, e Errno) bool {
	got, ok := Of(err)
	return ok && got == e
}

// Text words err as nginx would: its Errno, or err's own text when it
// means none.
func Text(err error) string {
	if e, ok := Of(err); ok {
		return e.String()
	}
	return err.Error()
}
