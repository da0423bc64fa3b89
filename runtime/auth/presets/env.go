package presets

import (
	"fmt"
	"os"
	"strings"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/upstream"
)

// Preset is what every preset is: an upstream provider for the OAuth
// proxy and a token verifier for resource-server mode.
type Preset interface {
	upstream.Provider
	auth.Verifier
}

var (
	_ Preset = (*GitHub)(nil)
	_ Preset = (*Google)(nil)
	_ Preset = (*Azure)(nil)
	_ Preset = (*WorkOS)(nil)
)

// Names are the presets FromEnv knows.
var Names = []string{"github", "google", "azure", "workos"}

// Each preset is an upstream of the OAuth proxy under its name (-auth
// github, ...): linking this package in registers them.
func init() {
	for _, name := range Names {
		upstream.Register(name, func(getenv func(string) string) (upstream.Provider, error) {
			return FromEnv(name, getenv, Options{})
		})
	}
}

// FromEnv builds the named preset from the environment (getenv nil means
// os.Getenv), with base applied before the settings:
//
//	MCPGEN_AUTH_<P>_CLIENT_ID       required
//	MCPGEN_AUTH_<P>_CLIENT_SECRET   required (the proxy is a confidential client)
//	MCPGEN_AUTH_<P>_SCOPES          space or comma separated; default per preset
//	MCPGEN_AUTH_GITHUB_BASE_URL, MCPGEN_AUTH_GITHUB_API_URL      GitHub Enterprise Server
//	MCPGEN_AUTH_AZURE_TENANT_ID     required
//	MCPGEN_AUTH_AZURE_AUTHORITY, MCPGEN_AUTH_AZURE_GRAPH_URL     sovereign clouds
//	MCPGEN_AUTH_AZURE_IDENTIFIER_URI                             default api://CLIENT_ID
//	MCPGEN_AUTH_WORKOS_AUTHKIT_DOMAIN                            required
//
// A missing required setting is an error naming it.
func FromEnv(name string, getenv func(string) string, base Options) (Preset, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	name = strings.ToLower(strings.TrimSpace(name))
	p := "MCPGEN_AUTH_" + strings.ToUpper(name) + "_"
	env := func(k string) string { return strings.TrimSpace(getenv(p + k)) }
	o := base
	switch name {
	case "github", "google", "azure", "workos":
	default:
		return nil, fmt.Errorf("presets: unknown preset %q: want one of %s", name, strings.Join(Names, ", "))
	}
	if o.ClientID = env("CLIENT_ID"); o.ClientID == "" {
		return nil, fmt.Errorf("presets: %s: set %sCLIENT_ID to the client id of the OAuth app registered with the provider", name, p)
	}
	if o.ClientSecret = getenv(p + "CLIENT_SECRET"); o.ClientSecret == "" {
		return nil, fmt.Errorf("presets: %s: set %sCLIENT_SECRET to the client secret of the OAuth app registered with the provider", name, p)
	}
	if s := env("SCOPES"); s != "" {
		o.Scopes = strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
	}
	switch name {
	case "github":
		return NewGitHub(GitHubOptions{Options: o, BaseURL: env("BASE_URL"), APIURL: env("API_URL")})
	case "google":
		return NewGoogle(GoogleOptions{Options: o})
	case "azure":
		if env("TENANT_ID") == "" {
			return nil, fmt.Errorf("presets: azure: set %sTENANT_ID to the directory (tenant) id of the app registration", p)
		}
		return NewAzure(AzureOptions{Options: o, TenantID: env("TENANT_ID"), Authority: env("AUTHORITY"),
			GraphURL: env("GRAPH_URL"), IdentifierURI: env("IDENTIFIER_URI")})
	default:
		if env("AUTHKIT_DOMAIN") == "" {
			return nil, fmt.Errorf("presets: workos: set %sAUTHKIT_DOMAIN to the AuthKit URL of the environment (https://your-app.authkit.app)", p)
		}
		return NewWorkOS(WorkOSOptions{Options: o, AuthKitDomain: env("AUTHKIT_DOMAIN")})
	}
}
