package main

import (
	"os"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/examples/auth-proxy/whoami/mcpserver"
)

// TestMissingSettings: the proxy server refuses to start without its
// settings and names the one missing. The whole sign-in flow, against a
// real OpenID provider and with real clients, is interop/authproxy.
func TestMissingSettings(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "MCPGEN_") {
			t.Setenv(name, "")
		}
	}
	steps := []struct{ set, value, want string }{
		{"", "", "MCPGEN_AUTH_BASE_URL"},
		{"MCPGEN_AUTH_BASE_URL", "http://127.0.0.1:8000", "MCPGEN_AUTH_OIDC_CONFIG_URL"},
	}
	for _, s := range steps {
		if s.set != "" {
			t.Setenv(s.set, s.value)
		}
		_, err := mcpserver.New()
		if err == nil || !strings.Contains(err.Error(), s.want) {
			t.Errorf("New() = %v, want an error naming %s", err, s.want)
		}
	}
}
