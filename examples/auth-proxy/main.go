// Command auth-proxy serves the profile example as its own OAuth
// authorization server in front of an OpenID provider, on
// MCPGEN_HOST:MCPGEN_PORT (127.0.0.1:8000 by default), path /mcp, until
// interrupted. It needs MCPGEN_AUTH_BASE_URL, MCPGEN_AUTH_OIDC_CONFIG_URL,
// MCPGEN_AUTH_OIDC_CLIENT_ID and MCPGEN_AUTH_OIDC_CLIENT_SECRET; without
// one it exits with an error naming it. See README.md.
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/mcpgen/mcpgen/examples/auth-proxy/profile/mcpserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := mcpserver.New()
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.ListenAndServe(ctx, ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
