// Package runtime is the thin, shared runtime behind every server mcpgen
// generates: JSON-RPC 2.0 messages, the MCP protocol core (lifecycle,
// version negotiation, tools, resources, prompts, completions, logging,
// progress, cancellation, server-to-client requests), the registry a
// generated package fills with a Definition, and the request-context
// accessors (HTTPRequest, HTTPHeaders) that handlers use.
//
// Transports live in sub-packages (runtime/streamable, runtime/sse) and
// talk to the core through Server.NewConn and Server.Handle; auth lives in
// runtime/auth. Nothing here imports the generator.
package runtime
