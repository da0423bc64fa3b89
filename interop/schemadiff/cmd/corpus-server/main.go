// Command corpus-server serves the differential test's corpus on
// MCPGEN_HOST:MCPGEN_PORT, for the TypeScript client test of structured
// results (interop/ts/structured.test.mjs).
package main

import (
	"context"
	"log"
	"os"
	"os/signal"

	"github.com/mcpgen/mcpgen/interop/schemadiff/corpus/mcpserver"
)

func main() {
	srv, err := mcpserver.New()
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := srv.ListenAndServe(ctx, ""); err != nil {
		log.Fatal(err)
	}
}
