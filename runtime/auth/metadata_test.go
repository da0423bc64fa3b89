package auth_test

import (
	"testing"

	"github.com/mcpgen/mcpgen/runtime/auth"
)

func TestCanonicalResourceURL(t *testing.T) {
	tests := []struct {
		base, path, want, err string
	}{
		{"https://mcp.example.com", "/mcp", "https://mcp.example.com/mcp", ""},
		{"HTTPS://MCP.Example.COM/", "/mcp/", "https://mcp.example.com/mcp", ""},
		{"https://mcp.example.com:443", "/mcp", "https://mcp.example.com/mcp", ""},
		{"http://127.0.0.1:80", "/mcp", "http://127.0.0.1/mcp", ""},
		{"http://127.0.0.1:8000", "/mcp", "http://127.0.0.1:8000/mcp", ""},
		{"https://example.com/API/", "/mcp", "https://example.com/API/mcp", ""},
		{"http://[::1]:8000", "/mcp", "http://[::1]:8000/mcp", ""},
		{"https://mcp.example.com", "", "https://mcp.example.com", ""},
		{"https://mcp.example.com#frag", "/mcp", "", "fragment"},
		{"https://mcp.example.com?x=1", "/mcp", "", "query"},
		{"https://user@mcp.example.com", "/mcp", "", "userinfo"},
		{"ftp://mcp.example.com", "/mcp", "", "http or https"},
		{"mcp.example.com", "/mcp", "", "http or https"},
		{"https://", "/mcp", "", "missing host"},
		{"https://mcp.example.com", "mcp", "", "must start with /"},
	}
	for _, tt := range tests {
		got, err := auth.CanonicalResourceURL(tt.base, tt.path)
		if tt.err != "" {
			if err == nil || !contains(err.Error(), tt.err) {
				t.Errorf("%s + %s: err = %v, want %q", tt.base, tt.path, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s + %s = %q, %v; want %q", tt.base, tt.path, got, err, tt.want)
		}
	}
}

func TestMetadataURL(t *testing.T) {
	tests := []struct{ resource, want string }{
		{"https://mcp.example.com/mcp", "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"},
		{"https://mcp.example.com", "https://mcp.example.com/.well-known/oauth-protected-resource"},
		{"https://example.com/api/mcp", "https://example.com/.well-known/oauth-protected-resource/api/mcp"},
		{"http://127.0.0.1:8000/mcp", "http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp"},
		{"not a url", ""},
	}
	for _, tt := range tests {
		if got := auth.MetadataURL(tt.resource); got != tt.want {
			t.Errorf("MetadataURL(%q) = %q, want %q", tt.resource, got, tt.want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
