// Package runtime is the thin, shared runtime behind every server mcpgen
// generates: JSON-RPC 2.0 messages, the MCP protocol core (lifecycle,
// version negotiation, tools, resources, prompts, completions, logging,
// progress, cancellation, server-to-client requests), the registry a
// generated package fills with a Definition, and the request-context
// accessors (HTTPRequest, HTTPHeaders) that handlers use.
//
// Two protocol eras are served side by side. The initialize-era versions
// (2025-11-25 and earlier) keep a Conn per session: transports use
// Server.NewConn and Server.Handle. The stateless 2026-07-28 core has no
// session: every request carries its version, client capabilities and
// client info in params._meta, and transports that see one
// (IsModernRequest) pass it to Server.HandleModern, which also checks the
// SEP-2243 headers and returns the HTTP status. Handlers do not see the
// difference: Session.Elicit, CreateMessage and ListRoots become
// input_required results (multi round-trip requests, mrtr.go) on 2026
// requests, and logs follow the request's _meta logLevel.
//
// Transports live in sub-packages (runtime/streamable, runtime/sse) and
// auth lives in runtime/auth. Nothing here imports the generator.
package runtime
