// Command quickstart serves the weather example over Streamable HTTP (at
// /mcp) and legacy SSE (at /sse) on MCPGEN_HOST:MCPGEN_PORT
// (127.0.0.1:8000 by default) until interrupted. With -stdio it speaks
// MCP on standard input and output instead, for clients that start it as
// a subprocess.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/mcpgen/mcpgen/examples/quickstart/weather/mcpserver"
)

func main() {
	stdio := flag.Bool("stdio", false, "serve MCP on stdin/stdout instead of HTTP")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *stdio {
		if err := mcpserver.ServeStdio(ctx); err != nil {
			log.Fatal(err)
		}
		return
	}
	srv, err := mcpserver.New()
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.ListenAndServe(ctx, ""); err != nil {
		log.Fatal(err)
	}
}
