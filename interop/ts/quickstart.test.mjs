// The official TypeScript SDK (1.32.2) against the generated quickstart
// server, which serves Streamable HTTP (/mcp) and legacy SSE (/sse) at
// once: one client on each endpoint, connected at the same time, each
// lists and calls tools, reads a resource and gets a prompt.
// MCP_BASE is http://127.0.0.1:PORT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const base = process.env.MCP_BASE;

async function exercise(client, city) {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map(t => t.name), ['get_forecast']);
  assert.ok(tools[0].outputSchema, 'get_forecast has an outputSchema');
  const res = await client.callTool({ name: 'get_forecast', arguments: { city, days: 2, units: 'fahrenheit' } });
  assert.equal(res.isError ?? false, false);
  assert.equal(res.structuredContent.city, city);
  assert.equal(res.structuredContent.units, 'fahrenheit');
  assert.equal(res.structuredContent.days.length, 2);
  const bad = await client.callTool({ name: 'get_forecast', arguments: { city, units: 'kelvin' } });
  assert.equal(bad.isError, true);
  assert.match(bad.content[0].text, /units/);
  const rr = await client.readResource({ uri: 'weather://cities' });
  assert.match(rr.contents[0].text, /Paris/);
  const pr = await client.getPrompt({ name: 'plan_trip', arguments: { city } });
  assert.match(pr.messages[0].content.text, new RegExp(city));
}

test('SSE and Streamable HTTP clients on one server at once', async () => {
  const sse = new Client({ name: 'ts-sse', version: '1.0.0' });
  const http = new Client({ name: 'ts-http', version: '1.0.0' });
  await sse.connect(new SSEClientTransport(new URL(`${base}/sse`)));
  await http.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
  try {
    await Promise.all([exercise(sse, 'Lima'), exercise(http, 'Oslo')]);
  } finally {
    await sse.close();
    await http.close();
  }
});
