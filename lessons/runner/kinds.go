package runner

import (
	"sort"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/rawsock"
)

// Kind is a layer a lesson can start.
type Kind struct {
	Name    string // what lessons call it: "rawsock"
	Mirrors string // what it stands for in the talk's world
	Port    int    // the talk's port for it, used when free
	New     func(stack.Config) stack.Layer
}

// kinds are the layers the lab has, by name.
var kinds = map[string]Kind{
	rawsock.Kind: {
		Name:    rawsock.Kind,
		Mirrors: "the dozen-line Python socket server",
		Port:    8000,
		New:     func(c stack.Config) stack.Layer { return rawsock.New(c) },
	},
}

// LookupKind returns the layer kind named name.
func LookupKind(name string) (Kind, bool) {
	k, ok := kinds[name]
	return k, ok
}

// KindNames returns the names of every layer kind, sorted.
func KindNames() []string {
	var names []string
	for n := range kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
