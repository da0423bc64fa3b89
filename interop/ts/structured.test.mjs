// Structured results with the official TypeScript SDK client
// (@modelcontextprotocol/sdk 1.32.2), which validates structuredContent
// against the advertised outputSchema itself. run.sh starts the
// differential test's corpus server (interop/schemadiff/cmd/corpus-server)
// and passes its URL in MCP_URL. These are the first two
// reproductions: a (*T, error) tool returning nil, nil, and a result whose
// enum field holds its zero value.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const url = process.env.MCP_URL;
if (!url) throw new Error('set MCP_URL to the corpus server endpoint');

let client;
let tools;

before(async () => {
  client = new Client({ name: 'mcpgen-ts-structured', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  // listing the tools makes the client compile their output schemas; it
  // checks every later structured result against them
  ({ tools } = await client.listTools());
});

after(async () => {
  await client?.close();
});

test('a nil pointer result is an error result, not structuredContent null', async () => {
  const res = await client.callTool({ name: 'get_task', arguments: { id: 'missing' } });
  assert.equal(res.isError, true);
  assert.equal(res.structuredContent, undefined);
  assert.match(res.content[0].text, /no result/);
});

test('a zero enum value validates against the output schema', async () => {
  const task = tools.find(t => t.name === 'get_task');
  assert.ok(task.outputSchema.properties.status.enum.includes(''), 'the output enum lacks the zero value');
  const res = await client.callTool({ name: 'get_task', arguments: { id: '7' } });
  assert.notEqual(res.isError, true);
  assert.equal(res.structuredContent.status, '');
  assert.equal(res.structuredContent.title, 'Task 7');
});

test('every out_* tool: the zero value of its result validates', async () => {
  const outs = tools.filter(t => t.name.startsWith('out_') && t.outputSchema);
  assert.ok(outs.length >= 8, `only ${outs.length} out_* tools`);
  for (const t of outs) {
    const res = await client.callTool({ name: t.name, arguments: {} });
    if (res.isError) {
      assert.match(res.content[0].text, /no result/, `${t.name}: ${res.content[0].text}`);
      continue;
    }
    assert.equal(typeof res.structuredContent, 'object', `${t.name}: no structuredContent`);
  }
});

test('invalid arguments name the field once', async () => {
  const res = await client.callTool({ name: 'in_task', arguments: { title: 123, status: 'open', Labels: [] } });
  assert.equal(res.isError, true);
  assert.equal(res.content[0].text, 'invalid arguments: title: expected string, got number');
});
