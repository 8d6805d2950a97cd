package gateway

import "github.com/ngw2f/ngw2f-lab/stack/internal/textcase"

// headerKey returns the environ key of a request header, as gunicorn
// makes it: HTTP_ and the name upper-cased with dashes turned to
// underscores, or CONTENT_TYPE and CONTENT_LENGTH for Content-Type and
// Content-Length. scriptName reports a header named SCRIPT_NAME, in any
// case and with its underscore, which gunicorn takes as the mount point.
// The key of a common header costs no allocation.
func headerKey(name string) (key string, scriptName bool) {
	var buf [64]byte
	b := textcase.AppendUpper(append(buf[:0], "HTTP_"...), name)
	upper := b[len("HTTP_"):]
	switch string(upper) {
	case "CONTENT-TYPE":
		return "CONTENT_TYPE", false
	case "CONTENT-LENGTH":
		return "CONTENT_LENGTH", false
	case "SCRIPT_NAME":
		scriptName = true
	}
	for i, c := range upper {
		if c == '-' {
			upper[i] = '_'
		}
	}
	if key, ok := commonHeaderKeys[string(b)]; ok {
		return key, scriptName
	}
	return string(b), scriptName
}

// commonHeaderKeys are the environ keys of the headers that browsers,
// curl, load tools and proxies send most, each its own key.
var commonHeaderKeys = keySet(
	"HTTP_HOST", "HTTP_USER_AGENT", "HTTP_ACCEPT", "HTTP_ACCEPT_ENCODING",
	"HTTP_ACCEPT_LANGUAGE", "HTTP_CONNECTION", "HTTP_KEEP_ALIVE", "HTTP_COOKIE",
	"HTTP_REFERER", "HTTP_ORIGIN", "HTTP_AUTHORIZATION", "HTTP_CACHE_CONTROL",
	"HTTP_PRAGMA", "HTTP_UPGRADE", "HTTP_UPGRADE_INSECURE_REQUESTS", "HTTP_TE",
	"HTTP_EXPECT", "HTTP_RANGE", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_NONE_MATCH",
	"HTTP_DNT", "HTTP_SEC_FETCH_DEST", "HTTP_SEC_FETCH_MODE", "HTTP_SEC_FETCH_SITE",
	"HTTP_SEC_FETCH_USER", "HTTP_FORWARDED", "HTTP_VIA", "HTTP_X_FORWARDED_FOR",
	"HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT",
	"HTTP_X_REAL_IP", "HTTP_X_REQUEST_ID",
)

func keySet(keys ...string) map[string]string {
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		m[k] = k
	}
	return m
}
