package client

import (
	"context"
	"encoding/json"

	"github.com/mcpgen/mcpgen/runtime"
)

// toolHeaders returns the Mcp-Param-* headers of a 2026 tools/call over
// HTTP. The tools' input schemas are listed once, on the first call that
// needs them.
func (c *Client) toolHeaders(ctx context.Context, name string, args json.RawMessage) map[string]string {
	if !c.modern || !c.t.wantsHeaders() || len(args) == 0 {
		return nil
	}
	c.mu.Lock()
	schemas := c.schemas
	c.mu.Unlock()
	if schemas == nil {
		tools, err := c.ListTools(ctx)
		if err != nil {
			return nil // the server reports a missing header itself
		}
		schemas = map[string]json.RawMessage{}
		for _, t := range tools {
			schemas[t.Name] = t.InputSchema
		}
		c.mu.Lock()
		c.schemas = schemas
		c.mu.Unlock()
	}
	return runtime.ParamHeaderValues(schemas[name], args)
}
