package gateway

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// The registry holds the apps compiled into the lab, by the name gunicorn
// would give them: "module:callable". A worker process is the lab's own
// binary, so it finds the same apps by name.
var registry = struct {
	sync.RWMutex
	apps map[string]App
}{apps: map[string]App{}}

// Register adds app under name, which must be "module:callable". It is
// meant for init functions; registering a name twice panics.
func Register(name string, app App) {
	if _, _, err := splitName(name); err != nil {
		panic(err)
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.apps[name]; dup {
		panic("gateway: app " + name + " registered twice")
	}
	registry.apps[name] = app
}

// Lookup returns the app registered as name. Its errors read like
// gunicorn's when it cannot import an app.
func Lookup(name string) (App, error) {
	module, callable, err := splitName(name)
	if err != nil {
		return nil, err
	}
	registry.RLock()
	defer registry.RUnlock()
	if app, ok := registry.apps[name]; ok {
		return app, nil
	}
	for n := range registry.apps {
		if strings.HasPrefix(n, module+":") {
			return nil, fmt.Errorf("gateway: failed to find attribute %q in %q (the lab has: %s)", callable, module, strings.Join(names(), ", "))
		}
	}
	return nil, fmt.Errorf("gateway: no module named %q (the lab has: %s)", module, strings.Join(names(), ", "))
}

func names() []string {
	out := make([]string, 0, len(registry.apps))
	for n := range registry.apps {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// splitName takes "module:callable" apart.
func splitName(name string) (module, callable string, err error) {
	module, callable, ok := strings.Cut(name, ":")
	if !ok || module == "" || callable == "" || strings.Contains(callable, ":") {
		return "", "", fmt.Errorf("gateway: %q is not an app name: want module:callable, such as hello:application", name)
	}
	return module, callable, nil
}
