// The 2026-capable TypeScript client (@modelcontextprotocol/client 2.4.0)
// in the browser, cross-origin, negotiating 2026-07-28 through
// server/discover (versionNegotiation auto): no session, and the
// subscriptions/listen stream instead of the GET stream.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { server, step, finish, within, requests, recordingFetch } from './harness.mjs';

async function open() {
  const client = new Client({ name: 'mcpgen-browser-v2', version: '1.0.0' }, { capabilities: {}, versionNegotiation: { mode: 'auto' } });
  const transport = new StreamableHTTPClientTransport(new URL(server), { fetch: recordingFetch });
  await step('connect', async () => {
    await client.connect(transport);
    return { protocolVersion: client.getNegotiatedProtocolVersion(), server: client.getServerVersion()?.name };
  });
  await step('listTools', async () => (await client.listTools()).tools.map((t) => t.name));
  await step('callTool', async () => {
    const res = await client.callTool({ name: 'add_numbers', arguments: { a: 2, b: 3.5 } });
    return { isError: !!res.isError, structuredContent: res.structuredContent };
  });
  // The client does not mirror x-mcp-header arguments into Mcp-Param-*
  // headers when it runs in a browser (2.4.0 turns that off there), so the
  // page sends this 2026-07-28 tools/call itself: the browser's preflight
  // asks for Mcp-Param-Region, which the server allows because the tool
  // declares it.
  await step('callToolWithParamHeader', async () => {
    const res = await fetch(server, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json', Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': 'test_x_mcp_header',
        'Mcp-Param-Region': 'eu-west1',
      },
      body: JSON.stringify({
        jsonrpc: '2.0', id: 'param-1', method: 'tools/call',
        params: {
          name: 'test_x_mcp_header', arguments: { region: 'eu-west1' },
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientInfo': { name: 'mcpgen-browser-v2', version: '1.0.0' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
    });
    const body = await res.text();
    const json = JSON.parse(body.startsWith('{') ? body : body.split('\n').find((l) => l.startsWith('data: {')).slice(6));
    return { status: res.status, isError: !!json.result?.isError, text: json.result?.content?.[0]?.text ?? json.error?.message };
  });
  await step('readResource', async () => (await client.readResource({ uri: 'test://static-text' })).contents[0].text);
  await step('notification', async () => {
    const got = new Promise((resolve) => client.setNotificationHandler('notifications/resources/updated', (n) => resolve(n.params.uri)));
    const sub = await within(10000, 'subscriptions/listen acknowledgement', client.listen({ resourceSubscriptions: ['test://watched-resource'] }));
    await client.callTool({ name: 'test_touch_watched_resource', arguments: {} });
    const uri = await within(10000, 'notifications/resources/updated', got);
    await sub.close();
    return { uri };
  });
  await step('close', async () => {
    await client.close();
    return { requests: requests.length, failed: requests.filter((r) => r.error || r.status >= 400).length };
  });
}

open().then(() => finish(), finish);
