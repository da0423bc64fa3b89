package presets

import (
	"slices"
	"strings"
	"testing"

	"github.com/mcpgen/mcpgen/runtime/auth/upstream"
)

func TestFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	full := map[string]string{
		"MCPGEN_AUTH_GITHUB_CLIENT_ID": "gh", "MCPGEN_AUTH_GITHUB_CLIENT_SECRET": "s", "MCPGEN_AUTH_GITHUB_SCOPES": "read:user, repo",
		"MCPGEN_AUTH_GITHUB_BASE_URL":  "https://ghe.example.com",
		"MCPGEN_AUTH_GOOGLE_CLIENT_ID": "g", "MCPGEN_AUTH_GOOGLE_CLIENT_SECRET": "s",
		"MCPGEN_AUTH_AZURE_CLIENT_ID": "a", "MCPGEN_AUTH_AZURE_CLIENT_SECRET": "s", "MCPGEN_AUTH_AZURE_TENANT_ID": azTenant,
		"MCPGEN_AUTH_AZURE_SCOPES":     "openid read",
		"MCPGEN_AUTH_WORKOS_CLIENT_ID": "w", "MCPGEN_AUTH_WORKOS_CLIENT_SECRET": "s", "MCPGEN_AUTH_WORKOS_AUTHKIT_DOMAIN": "acme.authkit.app",
	}
	want := map[string][]string{
		"github": {"read:user", "repo"}, "google": GoogleDefaultScopes,
		"azure": {"openid", "api://a/read"}, "workos": WorkOSDefaultScopes,
	}
	for _, name := range Names {
		p, err := FromEnv(strings.ToUpper(name), env(full), Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Name() != name || !slices.Equal(p.DefaultScopes(), want[name]) {
			t.Errorf("%s: name %s scopes %q", name, p.Name(), p.DefaultScopes())
		}
	}
	if gh, _ := FromEnv("github", env(full), Options{}); gh.Endpoint().AuthURL != "https://ghe.example.com/login/oauth/authorize" {
		t.Errorf("MCPGEN_AUTH_GITHUB_BASE_URL ignored: %+v", gh.Endpoint())
	}
	// Each required setting, when missing, is named in the error.
	for _, missing := range []string{"MCPGEN_AUTH_GITHUB_CLIENT_ID", "MCPGEN_AUTH_GOOGLE_CLIENT_SECRET", "MCPGEN_AUTH_AZURE_TENANT_ID", "MCPGEN_AUTH_WORKOS_AUTHKIT_DOMAIN"} {
		m := map[string]string{}
		for k, v := range full {
			if k != missing {
				m[k] = v
			}
		}
		name := strings.ToLower(strings.Split(missing, "_")[2])
		_, err := FromEnv(name, env(m), Options{})
		if err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("without %s: %v", missing, err)
		}
	}
	if _, err := FromEnv("okta", env(full), Options{}); err == nil {
		t.Error("unknown preset accepted")
	}
}

func TestRegistered(t *testing.T) {
	for _, name := range Names {
		ctor := upstream.Lookup(name)
		if ctor == nil {
			t.Fatalf("%s is not registered with upstream.Register", name)
		}
		_, err := ctor(func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), "MCPGEN_AUTH_"+strings.ToUpper(name)+"_CLIENT_ID") {
			t.Errorf("%s without settings: %v", name, err)
		}
	}
}
