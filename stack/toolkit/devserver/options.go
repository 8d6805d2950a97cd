package devserver

import (
	"fmt"
	"sort"
)

// ParseOptions reads the settings a lesson gives after "start devserver",
// named as run_simple's arguments:
//
//	app=werkzeug_app:application   the app, module:callable
//	threaded=true                  a goroutine per connection, HTTP/1.1
//	                               answers (run_simple's threaded=True)
func ParseOptions(args map[string]string) (Options, error) {
	var o Options
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := args[k]; k {
		case "app":
			o.App = v
		case "threaded":
			switch v {
			case "true", "True":
				o.Threaded = true
			case "false", "False":
			default:
				return o, fmt.Errorf("devserver: threaded=%s: want true or false", v)
			}
		default:
			return o, fmt.Errorf("devserver has no setting %q (it has app, threaded)", k)
		}
	}
	return o, nil
}
