// Connects to the legacy SSE endpoint in MCP_SSE_URL with the official
// TypeScript SDK's SSEClientTransport, lists the tools and calls them.
// Exits 0 when every check passes; prints what failed otherwise. Run by
// TestTypeScriptSSEClient in ../../sse_test (interop_test.go).
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const url = process.env.MCP_SSE_URL;
if (!url) {
  console.error('set MCP_SSE_URL to the server\'s SSE endpoint');
  process.exit(2);
}

const transport = new SSEClientTransport(new URL(url), {
  requestInit: { headers: { 'X-Custom': 'from-ts', Authorization: 'Bearer not-for-tools' } },
});
const client = new Client({ name: 'mcpgen-sse-interop', version: '1.0.0' }, { capabilities: { elicitation: {} } });
client.setRequestHandler(ElicitRequestSchema, async (req) => {
  assert.equal(req.params.message, 'Your name?');
  return { action: 'accept', content: { name: 'TS' } };
});

const text = (r) => r.content.find((c) => c.type === 'text')?.text;

try {
  await client.connect(transport);
  assert.equal(client.getServerVersion()?.name, 'sse-test');

  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  for (const want of ['ask', 'echo', 'header']) {
    assert.ok(names.includes(want), `tools/list lacks ${want}: ${names}`);
  }

  const echo = await client.callTool({ name: 'echo', arguments: { text: 'hello from ts' } });
  assert.equal(text(echo), 'hello from ts');

  const header = await client.callTool({ name: 'header', arguments: {} });
  assert.equal(text(header), 'custom=from-ts auth= method=POST');

  const ask = await client.callTool({ name: 'ask', arguments: {} });
  assert.equal(text(ask), 'accept:TS');

  // Concurrent calls share the one stream.
  const many = await Promise.all([1, 2, 3, 4, 5].map((i) => client.callTool({ name: 'echo', arguments: { text: `n${i}` } })));
  assert.deepEqual(many.map(text), ['n1', 'n2', 'n3', 'n4', 'n5']);

  await client.close();
  console.log('ok: tools/list, tools/call echo, header, ask (elicitation), 5 concurrent calls');
} catch (err) {
  console.error('FAIL:', err?.stack ?? err);
  await client.close().catch(() => {});
  process.exit(1);
}
