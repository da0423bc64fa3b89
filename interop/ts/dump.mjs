// What the official TypeScript SDK client (@modelcontextprotocol/sdk
// 1.32.2, Streamable HTTP, 2025-11-25) sees of every fixture of the
// conformance server, as JSON on stdout, for interop/goclient's test that
// compares it with what mcpgen's Go client sees on the same server. It
// answers the server's requests as that test's Go client does: every
// elicitation accepted with values derived from the schema, sampling
// answered "Paris", one root.
//
//   MCP_URL=http://127.0.0.1:PORT/mcp MCP_ARGS='{"tool":{...}}' node dump.mjs
import { dump, formValues, rootsAnswer, samplingAnswer } from './drive.mjs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const url = process.env.MCP_URL;
if (!url) throw new Error('set MCP_URL');

const client = new Client({ name: 'fixture-client', version: '1' }, { capabilities: { elicitation: {}, sampling: {}, roots: {} } });
client.setRequestHandler(ElicitRequestSchema, req => ({ action: 'accept', content: formValues(req.params.requestedSchema) }));
client.setRequestHandler(CreateMessageRequestSchema, samplingAnswer);
client.setRequestHandler(ListRootsRequestSchema, rootsAnswer);
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
await client.setLoggingLevel('debug');

await dump(client);
