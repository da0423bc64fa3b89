// Command auth-jwt serves the reports example behind JWT bearer auth on
// MCPGEN_HOST:MCPGEN_PORT (127.0.0.1:8000 by default), path /mcp, until
// interrupted. Tokens are verified against MCPGEN_AUTH_JWT_JWKS_URI (or
// _PUBLIC_KEY), must come from MCPGEN_AUTH_JWT_ISSUER and be meant for
// this server (aud: MCPGEN_AUTH_BASE_URL + /mcp unless
// MCPGEN_AUTH_JWT_AUDIENCE says otherwise). Without those settings it
// exits with an error naming the missing one.
//
// For a local try-out, cmd/devissuer serves a key set and mints tokens
// for the audience it is given (the server's MCPGEN_AUTH_BASE_URL + /mcp);
// docs/auth.md walks through it, and runs as written:
//
//	go run ./examples/auth-jwt/cmd/devissuer -audience http://127.0.0.1:8000/mcp > issuer.env &
//	until grep -q DEVISSUER_TOKEN issuer.env; do sleep 0.2; done   # the first build takes a while
//	set -a; . ./issuer.env; set +a
//	MCPGEN_AUTH_BASE_URL=http://127.0.0.1:8000 go run ./examples/auth-jwt &
//	curl -s http://127.0.0.1:8000/mcp -H "Authorization: Bearer $DEVISSUER_TOKEN" \
//	  -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
//	  -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"0"}}}'
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/mcpgen/mcpgen/examples/auth-jwt/reports/mcpserver"
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
