// The official TypeScript SDK client (@modelcontextprotocol/sdk 1.32.2,
// StreamableHTTPClientTransport) against examples/auth-jwt, a server
// generated with -auth jwt whose tokens come from
// examples/auth-jwt/cmd/devissuer. run.sh starts both and passes:
//   MCP_URL      the server's /mcp endpoint
//   MINT_URL     devissuer's /mint endpoint (GET ?sub&scope&aud -> token)
//   ISSUER       the issuer URL (the authorization server the metadata names)
// The SDK is the one interop/ts installs (one pinned copy for all tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';

const sdk = new URL('../ts/node_modules/@modelcontextprotocol/sdk/dist/esm/', import.meta.url);
const { Client } = await import(new URL('client/index.js', sdk));
const { StreamableHTTPClientTransport, StreamableHTTPError } = await import(new URL('client/streamableHttp.js', sdk));
const { extractWWWAuthenticateParams, discoverOAuthProtectedResourceMetadata } = await import(new URL('client/auth.js', sdk));

const { MCP_URL: url, MINT_URL: mintURL, ISSUER: issuer } = process.env;
if (!url || !mintURL || !issuer) throw new Error('set MCP_URL, MINT_URL and ISSUER (interop/auth/run.sh does)');

async function mint(params) {
  const q = new URLSearchParams({ aud: url, ...params });
  const res = await fetch(`${mintURL}?${q}`);
  assert.equal(res.status, 200, 'devissuer /mint');
  return res.text();
}

async function connect(token) {
  const client = new Client({ name: 'mcpgen-auth-interop', version: '1.0.0' });
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  await client.connect(transport);
  return client;
}

test('a valid token: whoami sees the subject, client id and scopes', async () => {
  const token = await mint({ sub: 'alice', scope: 'profile reports:read', client_id: 'ts-client' });
  const client = await connect(token);
  try {
    const res = await client.callTool({ name: 'whoami', arguments: {} });
    assert.equal(res.isError, undefined, JSON.stringify(res));
    assert.deepEqual(res.structuredContent, { subject: 'alice', client_id: 'ts-client', scopes: ['profile', 'reports:read'], issuer });
    const report = await client.callTool({ name: 'admin_report', arguments: { month: '2026-11' } });
    assert.equal(report.structuredContent.requested_by, 'alice');
  } finally {
    await client.close();
  }
});

test('a token without reports:read: admin_report is refused with 403 insufficient_scope', async () => {
  const token = await mint({ sub: 'bob', scope: 'profile' });
  const client = await connect(token);
  try {
    const who = await client.callTool({ name: 'whoami', arguments: {} });
    assert.equal(who.structuredContent.subject, 'bob');
    // tools/list hides nothing: the scoped tool is listed for everyone.
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'admin_report'));
    await assert.rejects(client.callTool({ name: 'admin_report', arguments: { month: '2026-11' } }), (err) => {
      assert.ok(err instanceof StreamableHTTPError, String(err));
      assert.equal(err.code, 403);
      assert.match(err.message, /insufficient scope: missing reports:read/);
      return true;
    });
  } finally {
    await client.close();
  }
  // The same refusal seen raw: the step-up challenge names the scope.
  const res = await fetch(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'admin_report', arguments: { month: '2026-11' } } }),
  });
  assert.equal(res.status, 403);
  const www = extractWWWAuthenticateParams(res);
  assert.equal(www.error, 'insufficient_scope');
  assert.equal(www.scope, 'reports:read');
  const body = await res.json();
  assert.equal(body.id, 9);
  assert.equal(body.error.code, -32003);
});

test('no token: 401, and the challenge leads to metadata naming the authorization server', async () => {
  await assert.rejects(connect(undefined), (err) => {
    assert.ok(err instanceof StreamableHTTPError, String(err));
    assert.equal(err.code, 401);
    return true;
  });
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '0' } } }),
  });
  assert.equal(res.status, 401);
  const { resourceMetadataUrl, error } = extractWWWAuthenticateParams(res);
  assert.equal(error, undefined, 'a request without credentials gets no error code (RFC 6750 3.1)');
  assert.ok(resourceMetadataUrl, 'WWW-Authenticate has resource_metadata');
  // The SDK's own discovery, as a client starting authorization does it.
  const md = await discoverOAuthProtectedResourceMetadata(url, { resourceMetadataUrl });
  assert.equal(md.resource, url);
  assert.deepEqual(md.authorization_servers, [issuer]);
  assert.ok(md.scopes_supported.includes('reports:read'));
});

test('an expired token or one for another audience: 401 invalid_token', async () => {
  for (const token of [await mint({ ttl: '-1h' }), await mint({ aud: 'https://other.example.com/mcp' })]) {
    await assert.rejects(connect(token), (err) => err instanceof StreamableHTTPError && err.code === 401);
    const res = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: '{}',
    });
    assert.equal(res.status, 401);
    assert.equal(extractWWWAuthenticateParams(res).error, 'invalid_token');
  }
});
