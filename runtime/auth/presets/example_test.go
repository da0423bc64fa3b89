package presets_test

import (
	"fmt"

	"github.com/mcpgen/mcpgen/runtime/auth"
	"github.com/mcpgen/mcpgen/runtime/auth/presets"
)

// A preset as a plain token verifier (resource-server mode): MCP clients
// bring GitHub tokens, the server checks them against GitHub's user API.
// Pass auth.ServerOptions(rs) to the generated New.
func ExampleNewGitHub_verifier() {
	gh, err := presets.NewGitHub(presets.GitHubOptions{Options: presets.Options{ClientID: "Ov23liEXAMPLE"}})
	if err != nil {
		panic(err)
	}
	rs, err := auth.NewRemoteAuth(gh,
		auth.WithBaseURL("https://mcp.example.com"),
		auth.WithAuthorizationServers("https://github.com/login/oauth"),
		auth.WithRequiredScopes("read:user"))
	if err != nil {
		panic(err)
	}
	fmt.Println(rs.Metadata().Resource)
	// Output: https://mcp.example.com/mcp
}
