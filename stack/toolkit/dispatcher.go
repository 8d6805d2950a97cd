package toolkit

import (
	"strings"

	"github.com/ngw2f/ngw2f-lab/stack/gateway"
)

// Dispatcher is Werkzeug's DispatcherMiddleware: it sends a request to
// the app mounted at the longest prefix of its path, moving that prefix
// from PATH_INFO to SCRIPT_NAME, as the mounted app expects; a request no
// mount takes goes to app. The dispatch is recorded on the way in.
func Dispatcher(app gateway.App, mounts map[string]gateway.App) gateway.App {
	return func(env *gateway.Environ, start gateway.StartResponse) (gateway.Body, error) {
		script := env.String("PATH_INFO")
		pathInfo := ""
		target, mounted := app, false
		for !mounted && strings.Contains(script, "/") {
			if target, mounted = mounts[script]; mounted {
				break
			}
			i := strings.LastIndexByte(script, '/')
			pathInfo = script[i:] + pathInfo
			script = script[:i]
		}
		if !mounted {
			if target, mounted = mounts[script]; !mounted {
				target = app
			}
		}
		env.Set("SCRIPT_NAME", env.String("SCRIPT_NAME")+script)
		env.Set("PATH_INFO", pathInfo)
		if hop := NewHop(env, gateway.Layer, Layer); hop.On() {
			mount := script
			if !mounted {
				mount = "none: the app it wraps"
			}
			hop.Down("DispatcherMiddleware", F("mount", mount),
				F("SCRIPT_NAME", env.String("SCRIPT_NAME")), F("PATH_INFO", pathInfo))
		}
		return target(env, start)
	}
}
