// Interop test of an mcpgen server with the 2026-capable TypeScript client
// (@modelcontextprotocol/client 2.4.0) in versionNegotiation mode 'auto':
// the client probes with server/discover, must settle on 2026-07-28 (the
// stateless core) rather than fall back to initialize, then lists tools,
// calls one with structured output (validated by the client against the
// advertised outputSchema) and completes an elicitation round trip, which
// on 2026-07-28 is an input_required result the client fulfils through its
// elicitation/create handler and retries with inputResponses and
// requestState. run.sh starts examples/conformance/cmd/conformance-server
// and passes its URL in MCP_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const url = process.env.MCP_URL;
if (!url) throw new Error('set MCP_URL to the server endpoint, e.g. http://127.0.0.1:8000/mcp');

let client;
const elicitations = [];

before(async () => {
  client = new Client(
    { name: 'mcpgen-ts2-interop', version: '1.0.0' },
    { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: 'auto' } },
  );
  client.setRequestHandler('elicitation/create', async (request) => {
    elicitations.push(request.params);
    return { action: 'accept', content: { name: 'Alice' } };
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
});

after(async () => {
  await client?.close();
});

test('negotiates 2026-07-28 through server/discover', () => {
  assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
  const info = client.getServerVersion();
  assert.equal(info?.name, 'mcpgen-conformance');
  const caps = client.getServerCapabilities();
  for (const cap of ['tools', 'resources', 'prompts']) {
    assert.ok(caps?.[cap], `capability ${cap} not advertised`);
  }
});

test('tools/list: the fixtures, in a stable order', async () => {
  const first = await client.listTools();
  const names = first.tools.map((t) => t.name);
  for (const n of ['test_simple_text', 'add_numbers', 'test_input_required_result_elicitation', 'test_x_mcp_header']) {
    assert.ok(names.includes(n), `tools/list lacks ${n}`);
  }
  const again = await client.listTools();
  assert.deepEqual(again.tools.map((t) => t.name), names);
});

test('tools/call with structured output', async () => {
  const res = await client.callTool({ name: 'add_numbers', arguments: { a: 2, b: 3.5 } });
  assert.ok(!res.isError, JSON.stringify(res));
  assert.deepEqual(res.structuredContent, { sum: 5.5 });
});

test('tools/call with an Mcp-Param header argument', async () => {
  const res = await client.callTool({ name: 'test_x_mcp_header', arguments: { region: 'eu-west 1', level: 2 } });
  assert.ok(!res.isError, JSON.stringify(res));
  assert.equal(res.content[0].text, 'region=eu-west 1 level=2');
});

test('elicitation round trip (input_required, retried with inputResponses)', async () => {
  const before = elicitations.length;
  const res = await client.callTool({ name: 'test_input_required_result_elicitation', arguments: {} });
  assert.ok(!res.isError, JSON.stringify(res));
  assert.equal(res.content[0].text, 'Hello, Alice!');
  assert.equal(elicitations.length, before + 1, 'the elicitation handler ran once');
  assert.equal(elicitations.at(-1).message, 'What is your name?');
});

test('two rounds: the first answer travels in requestState', async () => {
  const res = await client.callTool({ name: 'test_input_required_result_multi_round', arguments: {} });
  assert.ok(!res.isError, JSON.stringify(res));
  assert.match(res.content[0].text, /^Alice likes /);
});
