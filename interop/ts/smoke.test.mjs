// Smoke test of an mcpgen server with the official TypeScript SDK client
// (@modelcontextprotocol/sdk 1.32.2, StreamableHTTPClientTransport): one
// session that lists and calls tools (including structured output, which
// the SDK validates against the advertised outputSchema), reads resources,
// gets a prompt, asks for completions and finally terminates the session
// with DELETE. run.sh starts examples/conformance/cmd/conformance-server
// and passes its URL in MCP_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const url = process.env.MCP_URL;
if (!url) throw new Error('set MCP_URL to the server endpoint, e.g. http://127.0.0.1:8000/mcp');

let client;
let transport;

before(async () => {
  client = new Client({ name: 'mcpgen-ts-smoke', version: '1.0.0' });
  transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
});

after(async () => {
  await client?.close();
});

test('initialize: session, protocol version, server info and capabilities', () => {
  assert.ok(transport.sessionId, 'the server assigned no Mcp-Session-Id');
  assert.equal(transport.protocolVersion, '2025-11-25');
  const info = client.getServerVersion();
  assert.equal(info.name, 'mcpgen-conformance');
  assert.equal(info.version, '1.0.0');
  const caps = client.getServerCapabilities();
  for (const cap of ['tools', 'resources', 'prompts']) {
    assert.ok(caps[cap], `capability ${cap} not advertised`);
  }
});

test('tools/list: every tool has a description and an object input schema', async () => {
  const { tools } = await client.listTools();
  const byName = new Map(tools.map(t => [t.name, t]));
  for (const name of ['test_simple_text', 'add_numbers', 'test_error_handling']) {
    assert.ok(byName.has(name), `tool ${name} missing; got ${[...byName.keys()].join(', ')}`);
  }
  for (const t of tools) {
    assert.ok(t.description, `tool ${t.name} has no description`);
    assert.equal(t.inputSchema.type, 'object', `tool ${t.name}: inputSchema.type`);
  }
  const add = byName.get('add_numbers');
  assert.deepEqual(Object.keys(add.inputSchema.properties), ['a', 'b']);
  assert.deepEqual([...add.inputSchema.required].sort(), ['a', 'b']);
  assert.equal(add.outputSchema?.type, 'object', 'add_numbers has no object outputSchema');
  assert.ok(add.outputSchema.properties.sum, 'outputSchema lacks "sum"');
  assert.equal(add.annotations?.readOnlyHint, true);
});

test('tools/call: structured output matches the text block', async () => {
  const res = await client.callTool({ name: 'add_numbers', arguments: { a: 2, b: 3.5 } });
  assert.notEqual(res.isError, true, JSON.stringify(res));
  assert.deepEqual(res.structuredContent, { sum: 5.5 });
  const text = res.content.find(c => c.type === 'text');
  assert.ok(text, 'no text block for clients without structured output');
  assert.deepEqual(JSON.parse(text.text), { sum: 5.5 });
});

test('tools/call: invalid arguments are a tool error naming the field', async () => {
  const res = await client.callTool({ name: 'add_numbers', arguments: { a: 'two', b: 3 } });
  assert.equal(res.isError, true, JSON.stringify(res));
  // The text names the field and the rule, so a model can correct itself.
  assert.match(res.content[0].text, /\ba\b.*\bnumber\b/, res.content[0].text);
});

test('tools/call: a Go error is an isError result, not a protocol error', async () => {
  const res = await client.callTool({ name: 'test_error_handling', arguments: {} });
  assert.equal(res.isError, true);
  assert.match(res.content[0].text, /intentionally returns an error/);
});

test('tools/call: an unknown tool is a JSON-RPC error', async () => {
  await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), /-32602|not found|unknown/i);
});

test('resources/read: static text and a template binding', async () => {
  const text = await client.readResource({ uri: 'test://static-text' });
  assert.deepEqual(text.contents, [{
    uri: 'test://static-text',
    mimeType: 'text/plain',
    text: 'This is the content of the static text resource.',
  }]);

  const tmpl = await client.readResource({ uri: 'test://template/42/data' });
  assert.equal(tmpl.contents[0].uri, 'test://template/42/data');
  assert.equal(tmpl.contents[0].mimeType, 'application/json');
  assert.deepEqual(JSON.parse(tmpl.contents[0].text), { id: '42', templateTest: true, data: 'Data for ID: 42' });

  const { resourceTemplates } = await client.listResourceTemplates();
  assert.ok(resourceTemplates.some(t => t.uriTemplate === 'test://template/{id}/data'));
});

test('prompts/get: arguments are substituted', async () => {
  const res = await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'hello', arg2: 'world' } });
  assert.equal(res.messages.length, 1);
  assert.equal(res.messages[0].role, 'user');
  assert.deepEqual(res.messages[0].content, { type: 'text', text: "Prompt with arguments: arg1='hello', arg2='world'" });
});

test('prompts/get: a missing required argument is -32602', async () => {
  await assert.rejects(client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'x' } }), /-32602/);
});

test('completion/complete: prompt argument candidates', async () => {
  const res = await client.complete({ ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'par' } });
  assert.deepEqual(res.completion.values, ['paris', 'park', 'party']);
});

test('DELETE: terminateSession ends the session on the server', async () => {
  const id = transport.sessionId;
  await transport.terminateSession();
  assert.equal(transport.sessionId, undefined);
  // The old id must now be unknown to the server: 404 per the spec.
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': id,
      'mcp-protocol-version': '2025-11-25',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' }),
  });
  await res.body?.cancel();
  assert.equal(res.status, 404);
});
