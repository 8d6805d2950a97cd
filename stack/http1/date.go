package http1

import "time"

// DateLayout is the layout of an HTTP date (RFC 9110's IMF-fixdate), as
// time.Format takes it: "Mon, 02 Jan 2006 15:04:05 GMT". Format a time in
// UTC with it.
const DateLayout = "Mon, 02 Jan 2006 15:04:05 GMT"

// dateLayouts are the three forms of date RFC 9110 says a recipient
// accepts: IMF-fixdate, the obsolete RFC 850 form and asctime's.
var dateLayouts = [...]string{DateLayout, time.RFC850, time.ANSIC}

// ParseDate parses an HTTP date in any of the three forms a recipient
// accepts, as net/http's ParseTime does, without linking net/http into
// every process the lab starts.
func ParseDate(v string) (time.Time, error) {
	var err error
	for _, layout := range dateLayouts {
		var t time.Time
		if t, err = time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}
