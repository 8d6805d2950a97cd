package toolkit

import (
	"errors"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
)

// idnaProfile encodes a label of a host name as Python's "idna" codec
// (IDNA 2003: nameprep, then punycode) encodes it, which Werkzeug uses:
// UTS #46's transitional mapping is the one made to agree with it.
var idnaProfile = idna.New(idna.MapForLookup(), idna.Transitional(true), idna.StrictDomainName(false))

// errBadHost is Werkzeug's BadHost: a host name the idna codec cannot
// encode.
var errBadHost = errors.New("toolkit: the host cannot be encoded as IDNA")

// encodeHost makes a request's host the server name a Map is bound to,
// as Werkzeug's Map.bind does: lower-cased, then, unless it is all
// ASCII, each label encoded as IDNA (_encode_idna), so that a URL built
// with it, such as a redirect's, names an ASCII host. host holds a byte
// per latin-1 character, as the environ's strings do; the result is
// ASCII, or host lower-cased with an error.
func encodeHost(host string) (string, error) {
	lower := make([]rune, 0, len(host))
	ascii := true
	for i := 0; i < len(host); i++ {
		r := unicode.ToLower(rune(host[i]))
		ascii = ascii && r < 0x80
		lower = append(lower, r)
	}
	if ascii {
		return string(lower), nil
	}
	labels := strings.Split(string(lower), ".")
	for i, l := range labels {
		if !isASCII(l) {
			var err error
			if l, err = idnaProfile.ToASCII(l); err != nil {
				return string(lower), errBadHost
			}
		}
		if len(l) > 63 {
			return string(lower), errBadHost // "label too long"; an empty one is fine
		}
		labels[i] = l
	}
	return strings.Join(labels, "."), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
