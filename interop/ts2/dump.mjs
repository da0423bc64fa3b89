// What the 2026-capable TypeScript client (@modelcontextprotocol/client
// 2.4.0, Streamable HTTP, 2026-07-28 through server/discover) sees of every fixture of the
// conformance server, as JSON on stdout, for interop/goclient's test that
// compares it with what mcpgen's Go client sees on the same server. It
// answers the server's requests as that test's Go client does: every
// elicitation accepted with values derived from the schema, sampling
// answered "Paris", one root.
//
//   MCP_URL=http://127.0.0.1:PORT/mcp MCP_ARGS='{"tool":{...}}' node dump.mjs
import { dump, formValues, rootsAnswer, samplingAnswer } from '../ts/drive.mjs';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const url = process.env.MCP_URL;
if (!url) throw new Error('set MCP_URL');

const client = new Client(
  { name: 'fixture-client', version: '1' },
  { capabilities: { elicitation: { form: {} }, sampling: {}, roots: {} }, versionNegotiation: { mode: 'auto' } },
);
client.setRequestHandler('elicitation/create', async req => ({ action: 'accept', content: formValues(req.params.requestedSchema) }));
client.setRequestHandler('sampling/createMessage', async () => samplingAnswer());
client.setRequestHandler('roots/list', async () => rootsAnswer());
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
if (client.getNegotiatedProtocolVersion() !== '2026-07-28') throw new Error('negotiated ' + client.getNegotiatedProtocolVersion());

await dump(client);
