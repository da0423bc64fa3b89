// Command auth-proxy serves the whoami example as its own OAuth 2.1
// authorization server in front of an upstream OpenID provider, on
// MCPGEN_HOST:MCPGEN_PORT (127.0.0.1:8000 by default), until
// interrupted. README.md walks through GitHub and any OpenID provider.
//
//	MCPGEN_AUTH_BASE_URL=http://127.0.0.1:8000 \
//	MCPGEN_AUTH_OIDC_CONFIG_URL=https://idp.example.com/.well-known/openid-configuration \
//	MCPGEN_AUTH_OIDC_CLIENT_ID=... MCPGEN_AUTH_OIDC_CLIENT_SECRET=... \
//	go run ./examples/auth-proxy
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/mcpgen/mcpgen/examples/auth-proxy/whoami/mcpserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := mcpserver.New()
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("whoami: MCP server on %s/mcp", os.Getenv("MCPGEN_AUTH_BASE_URL"))
	if err := srv.ListenAndServe(ctx, ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
