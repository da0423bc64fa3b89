package upstream

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Constructor builds a Provider from the MCPGEN_AUTH_* environment read
// through getenv (MCPGEN_AUTH_<NAME>_CLIENT_ID and the provider's own
// settings). A missing required setting is an error naming it.
type Constructor func(getenv func(string) string) (Provider, error)

var (
	mu       sync.RWMutex
	registry = map[string]Constructor{}
)

// Register makes the preset name available to the OAuth proxy's auth
// modes (-auth name). Presets register in init; the proxy imports them.
// Registering a name twice panics.
func Register(name string, c Constructor) {
	name = strings.ToLower(name)
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[name]; dup || c == nil {
		panic(fmt.Sprintf("upstream: Register(%q) twice or with a nil constructor", name))
	}
	registry[name] = c
}

// Lookup returns the constructor registered under name, or nil.
func Lookup(name string) Constructor {
	mu.RLock()
	defer mu.RUnlock()
	return registry[strings.ToLower(name)]
}

// Names lists the registered presets, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
