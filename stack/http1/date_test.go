package http1

import (
	"net/http"
	"testing"
)

// TestParseDate holds ParseDate to net/http's ParseTime, which it
// replaces, on each form and on what neither accepts.
func TestParseDate(t *testing.T) {
	for _, v := range []string{
		"Sun, 06 Nov 1994 08:49:37 GMT",
		"Sunday, 06-Nov-94 08:49:37 GMT",
		"Sun Nov  6 08:49:37 1994",
		"Sun, 06 Nov 1994 08:49:37 UTC",
		"Sun, 6 Nov 1994 08:49:37 GMT",
		"06 Nov 1994",
		"",
	} {
		want, werr := http.ParseTime(v)
		got, err := ParseDate(v)
		if (err != nil) != (werr != nil) || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; net/http's ParseTime: %v, %v", v, got, err, want, werr)
		}
	}
}
