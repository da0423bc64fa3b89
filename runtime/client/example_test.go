package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/mcpgen/mcpgen/runtime"
	"github.com/mcpgen/mcpgen/runtime/client"
)

// A server tested in process: no port, but every message goes through the
// server's JSON-RPC core as it would for a remote client.
func ExampleInProcess() {
	def := &runtime.Definition{Name: "demo", Version: "1", Tools: []*runtime.Tool{{
		Name:        "shout",
		InputSchema: objectSchema,
		Handler: func(ctx context.Context, c *runtime.Call) (*runtime.ToolResult, error) {
			if string(c.Arguments) == "{}" {
				return nil, errors.New("nothing to shout")
			}
			return runtime.TextResult("HEY"), nil
		},
	}}}
	srv, err := runtime.NewServer(def)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	c, err := client.Connect(ctx, client.InProcess(srv), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Println(c.ServerInfo().Name, c.ProtocolVersion())

	res, err := c.CallTool(ctx, "shout", map[string]string{"text": "hey"})
	fmt.Println(res.Text(), err)

	_, err = c.CallTool(ctx, "shout", nil)
	var te *client.ToolError
	fmt.Println(errors.As(err, &te), te.Text)

	_, err = c.CallTool(ctx, "whisper", nil)
	var re *runtime.Error
	fmt.Println(errors.As(err, &re), re.Code)
	// Output:
	// demo 2026-07-28
	// HEY <nil>
	// true nothing to shout
	// true -32602
}
