// Command quickstart serves the weather example over Streamable HTTP on
// MCPGEN_HOST:MCPGEN_PORT (127.0.0.1:8000 by default) until interrupted.
package main

import (
	"context"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/mcpgen/mcpgen/examples/quickstart/weather/mcpserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := mcpserver.New()
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.ListenAndServe(ctx, ""); err != nil {
		log.Fatal(err)
	}
}
