// The official TypeScript SDK v1 (@modelcontextprotocol/sdk 1.32.2,
// protocol 2025-11-25 with sessions) in the browser, cross-origin.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { server, scenario, token, step, finish, within, requests, recordingFetch, rawPost, initializeMessage } from './harness.mjs';

function newClient(headers = {}) {
  const transport = new StreamableHTTPClientTransport(new URL(server), { fetch: recordingFetch, requestInit: { headers } });
  const client = new Client({ name: 'mcpgen-browser-v1', version: '1.0.0' });
  return { client, transport };
}

// open: a server without auth.
async function open() {
  const { client, transport } = newClient();
  await step('connect', async () => {
    await client.connect(transport);
    return { sessionId: transport.sessionId ?? null, protocolVersion: transport.protocolVersion ?? null, server: client.getServerVersion()?.name };
  });
  await step('listTools', async () => (await client.listTools()).tools.map((t) => t.name));
  await step('callTool', async () => {
    const res = await client.callTool({ name: 'add_numbers', arguments: { a: 2, b: 3.5 } });
    return { isError: !!res.isError, structuredContent: res.structuredContent };
  });
  await step('readResource', async () => (await client.readResource({ uri: 'test://static-text' })).contents[0].text);
  await step('notification', async () => {
    const got = new Promise((resolve) => client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => resolve(n.params.uri)));
    await client.subscribeResource({ uri: 'test://watched-resource' });
    await client.callTool({ name: 'test_touch_watched_resource', arguments: {} });
    const uri = await within(10000, 'notifications/resources/updated', got);
    // The server sends resources/updated only on the session's standalone
    // stream: the GET the transport opened after initialize.
    const getStream = requests.find((r) => r.method === 'GET' && r.accept.includes('text/event-stream'));
    return { uri, getStream: getStream ?? null };
  });
  await terminate(client, transport, {});
}

// terminate ends the session with DELETE and shows that it is gone: the
// 404 for the old session id is readable because errors carry CORS.
async function terminate(client, transport, headers) {
  await step('terminate', async () => {
    const sid = transport.sessionId;
    await transport.terminateSession();
    const del = requests.filter((r) => r.method === 'DELETE').at(-1);
    const after = await rawPost({ jsonrpc: '2.0', id: 9, method: 'tools/list' }, { ...headers, 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': '2025-11-25' });
    await client.close();
    return { deleteStatus: del?.status ?? null, afterDelete: after.status };
  });
}

// auth: a server with -auth jwt; the page holds a token from the issuer.
async function withToken() {
  await step('unauthorized', async () => {
    const r = await rawPost(initializeMessage);
    const m = /resource_metadata="([^"]+)"/.exec(r.wwwAuthenticate || '');
    let authorizationServers = null;
    if (m) {
      // The metadata document is public: any origin may read it.
      authorizationServers = (await (await fetch(m[1])).json()).authorization_servers;
    }
    return { status: r.status, wwwAuthenticate: r.wwwAuthenticate, authorizationServers };
  });
  await step('connectWithoutToken', async () => {
    const { client, transport } = newClient();
    try {
      await client.connect(transport);
      return { connected: true };
    } catch (e) {
      return { connected: false, error: String(e?.message ?? e) };
    }
  });
  const headers = { Authorization: `Bearer ${token}` };
  const { client, transport } = newClient(headers);
  await step('connect', async () => {
    await client.connect(transport);
    return { sessionId: transport.sessionId ?? null, server: client.getServerVersion()?.name };
  });
  await step('listTools', async () => (await client.listTools()).tools.map((t) => t.name));
  await step('callTool', async () => {
    const res = await client.callTool({ name: 'whoami', arguments: {} });
    return { isError: !!res.isError, structuredContent: res.structuredContent };
  });
  await terminate(client, transport, headers);
}

// denied: this page's origin is not in MCPGEN_CORS_ORIGINS.
async function denied() {
  await step('connect', async () => {
    const { client, transport } = newClient();
    try {
      await client.connect(transport);
      return { connected: true };
    } catch (e) {
      return { connected: false, error: String(e?.message ?? e) };
    }
  });
  await step('rawFetch', async () => {
    try {
      return { read: true, ...(await rawPost(initializeMessage)) };
    } catch (e) {
      return { read: false, error: String(e?.message ?? e) };
    }
  });
}

// sse: the legacy HTTP+SSE transport (GET /sse, POST /messages/) of a
// server generated with -transport streamable,sse.
async function legacySSE() {
  const transport = new SSEClientTransport(new URL(server), { fetch: recordingFetch });
  const client = new Client({ name: 'mcpgen-browser-v1-sse', version: '1.0.0' });
  await step('connect', async () => {
    await client.connect(transport);
    return { server: client.getServerVersion()?.name };
  });
  await step('listTools', async () => (await client.listTools()).tools.map((t) => t.name));
  await step('callTool', async () => {
    const res = await client.callTool({ name: 'get_forecast', arguments: { city: 'Lima', days: 2 } });
    return { isError: !!res.isError, city: res.structuredContent?.city, days: res.structuredContent?.days?.length };
  });
  await step('readResource', async () => /Paris/.test((await client.readResource({ uri: 'weather://cities' })).contents[0].text));
  await step('close', async () => {
    await client.close();
    return { requests: requests.map((r) => `${r.method} ${r.status}`) };
  });
}

const scenarios = { open, auth: withToken, denied, sse: legacySSE };
scenarios[scenario]().then(() => finish(), finish);
