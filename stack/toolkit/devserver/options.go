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
	var unknown []string
	for k := range args {
		if k != "app" && k != "threaded" {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return Options{}, fmt.Errorf("devserver has no setting %q (it has app, threaded)", unknown[0])
	}
	o := Options{App: args["app"]}
	switch v := args["threaded"]; v {
	case "", "false", "False":
	case "true", "True":
		o.Threaded = true
	default:
		return o, fmt.Errorf("devserver: threaded=%s: want true or false", v)
	}
	return o, nil
}
