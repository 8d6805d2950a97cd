package gateway

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// The registry holds the apps compiled into the lab, by the name gunicorn
// would give them: "module:callable", each as the function that builds it
// once. A worker process is the lab's own binary, so it finds the same
// apps by name, and builds only the one it serves.
var registry = struct {
	sync.RWMutex
	apps map[string]func() App
}{apps: map[string]func() App{}}

// Register adds app under name, which must be "module:callable". It is
// meant for init functions; registering a name twice panics.
func Register(name string, app App) {
	RegisterBuild(name, func() App { return app })
}

// RegisterBuild adds the app that build makes under name, as Register
// does, for an app whose making costs (a URL map, a framework's routes):
// build runs once, the first time Lookup asks for name, so that a process
// that serves another app, or none, does not pay for it at start.
func RegisterBuild(name string, build func() App) {
	if _, _, err := splitName(name); err != nil {
		panic(err)
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.apps[name]; dup {
		panic("gateway: app " + name + " registered twice")
	}
	registry.apps[name] = sync.OnceValue(build)
}

// Lookup returns the app registered as name. Its errors read like
// gunicorn's when it cannot import an app.
func Lookup(name string) (App, error) {
	module, callable, err := splitName(name)
	if err != nil {
		return nil, err
	}
	registry.RLock()
	build, ok := registry.apps[name]
	registry.RUnlock()
	if ok {
		return build(), nil
	}
	registry.RLock()
	defer registry.RUnlock()
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
