// The whole MCP authorization flow with an official TypeScript client
// against mcpgen's OAuth proxy, from a 401 on /mcp to a 401 after
// revocation. Run by client_test.go, which drives the browser:
//
//   node tsclient.mjs sdk|client MODULES_DIR MCP_URL ISSUER
//
// sdk is @modelcontextprotocol/sdk 1.32.2 (interop/ts/node_modules),
// client is @modelcontextprotocol/client 2.4.0 (interop/ts2/node_modules).
// Each line on stdout is one JSON event for the Go side:
//   {"authorize": URL, "callback": REDIRECT_URI}  open URL in the browser
//   {"step": NAME, ...}                            a step passed
//   {"done": true}
// Any failure exits non-zero with the reason on stderr.
//
// With CIMD_URL set, the client identifies itself with that client ID
// metadata document (https) instead of registering, and listens for the
// redirect on CALLBACK_PORT, the port the document names.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [flavor, modules, mcpUrl, issuer] = process.argv.slice(2);
if (!flavor || !modules || !mcpUrl || !issuer) {
	console.error('usage: node tsclient.mjs sdk|client MODULES_DIR MCP_URL ISSUER');
	process.exit(2);
}
const load = (p) => import(pathToFileURL(join(modules, p)).href);
let Client, StreamableHTTPClientTransport, auth, UnauthorizedError;
if (flavor === 'sdk') {
	({ Client } = await load('@modelcontextprotocol/sdk/dist/esm/client/index.js'));
	({ StreamableHTTPClientTransport } = await load('@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.js'));
	({ auth, UnauthorizedError } = await load('@modelcontextprotocol/sdk/dist/esm/client/auth.js'));
} else {
	({ Client, StreamableHTTPClientTransport, auth, UnauthorizedError } = await load('@modelcontextprotocol/client/dist/index.mjs'));
}

const emit = (ev) => process.stdout.write(JSON.stringify(ev) + '\n');
const fail = (msg) => {
	console.error(`tsclient (${flavor}): ${msg}`);
	process.exit(1);
};
const expect = (cond, msg) => { if (!cond) fail(msg); };

// The redirect URI: a loopback listener on a random port, as a native
// MCP client has. It resolves `callback` with the query the browser
// brings back.
let gotCallback;
const callback = new Promise((resolve) => { gotCallback = resolve; });
const cbServer = http.createServer((req, res) => {
	const u = new URL(req.url, 'http://127.0.0.1');
	if (u.pathname !== '/callback') { res.writeHead(404).end(); return; }
	res.writeHead(200, { 'content-type': 'text/plain' }).end('Signed in; you can close this tab.');
	gotCallback(u.searchParams);
});
const cimdUrl = process.env.CIMD_URL || undefined;
await new Promise((r) => cbServer.listen(Number(process.env.CALLBACK_PORT || 0), '127.0.0.1', r));
const redirectUrl = `http://127.0.0.1:${cbServer.address().port}/callback`;

// An in-memory OAuthClientProvider: what a desktop MCP client keeps.
class MemoryProvider {
	constructor() { this._state = randomBytes(16).toString('hex'); }
	get redirectUrl() { return redirectUrl; }
	get clientMetadataUrl() { return cimdUrl; }
	get clientMetadata() {
		return {
			client_name: `mcpgen e2e (${flavor})`, redirect_uris: [redirectUrl],
			grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
			token_endpoint_auth_method: 'none',
		};
	}
	state() { return this._state; }
	clientInformation() { return this._client; }
	saveClientInformation(c) { this._client = c; }
	tokens() { return this._tokens; }
	saveTokens(t) { this._tokens = t; }
	redirectToAuthorization(u) { this.authorizationUrl = u; }
	saveCodeVerifier(v) { this._verifier = v; }
	codeVerifier() { return this._verifier; }
}
const provider = new MemoryProvider();

async function callTool(name) {
	const client = new Client({ name: 'mcpgen-authproxy-e2e', version: '1.0.0' });
	const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
	await client.connect(transport);
	const r = await client.callTool({ name, arguments: {} });
	await client.close();
	expect(!r.isError, `${name} failed: ${JSON.stringify(r)}`);
	return r.structuredContent ?? JSON.parse(r.content[0].text);
}
const whoami = () => callTool('whoami');

// 1. A 401 on /mcp starts discovery, registration and authorization.
{
	const client = new Client({ name: 'mcpgen-authproxy-e2e', version: '1.0.0' });
	const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
	try {
		await client.connect(transport);
		fail('connected without a token');
	} catch (e) {
		if (!(e instanceof UnauthorizedError)) fail(`first connect: want UnauthorizedError, got ${e?.stack ?? e}`);
	}
	expect(provider._client?.client_id, 'no client registered (DCR)');
	if (cimdUrl) expect(provider._client.client_id === cimdUrl, `client_id ${provider._client.client_id}, want the metadata document URL ${cimdUrl}`);
	else expect(!provider._client.client_id.startsWith('https:'), 'registered with a URL client id without a metadata document');
	expect(provider.authorizationUrl, 'redirectToAuthorization was not called');
	expect(provider.authorizationUrl.href.startsWith(issuer), `authorization URL ${provider.authorizationUrl} is not at the issuer ${issuer}`);
	emit({ step: 'registered', client_id: provider._client.client_id, secret: provider._client.client_secret ?? '' });
	emit({ authorize: provider.authorizationUrl.href, callback: redirectUrl });

	// 2. The browser signs in upstream and approves; the code comes back.
	const params = await callback;
	expect(params.get('state') === provider._state, `state ${params.get('state')} is not the one sent`);
	expect(params.get('iss') === issuer, `iss ${params.get('iss')}, want ${issuer} (RFC 9207)`);
	expect(params.get('code'), `no code in the callback: ${params}`);
	if (flavor === 'sdk') await transport.finishAuth(params.get('code'));
	else await transport.finishAuth(params);
	expect(provider._tokens?.access_token && provider._tokens?.refresh_token, 'token endpoint gave no access and refresh token');
	emit({ step: 'token', token_type: provider._tokens.token_type, access_token: provider._tokens.access_token, refresh_token: provider._tokens.refresh_token });
}

// 3. A tool call sees the upstream identity; another calls the
// provider's API with the upstream token the server keeps.
const me = await whoami();
emit({ step: 'whoami', identity: me });
emit({ step: 'provider_profile', profile: await callTool('provider_profile') });

// 4. Refresh (rotation): new tokens that still name the same user.
const md = await (await fetch(new URL('/.well-known/oauth-authorization-server' + new URL(issuer).pathname.replace(/\/$/, ''), issuer))).json();
const first = provider._tokens;
const res = await auth(provider, { serverUrl: mcpUrl });
expect(res === 'AUTHORIZED', `refresh: auth() returned ${res}`);
const second = provider._tokens;
expect(second.access_token !== first.access_token, 'refresh gave the same access token');
expect(second.refresh_token && second.refresh_token !== first.refresh_token, 'refresh token not rotated');
const again = await whoami();
expect(again.subject === me.subject, 'identity changed after refresh');
emit({ step: 'refreshed', access_token: second.access_token, refresh_token: second.refresh_token });

// 5. Revocation (RFC 7009), then the access token gets a 401, and
// neither refresh token works any more.
expect(md.revocation_endpoint, 'metadata has no revocation_endpoint');
const rev = await fetch(md.revocation_endpoint, {
	method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
	body: new URLSearchParams({ token: second.refresh_token, token_type_hint: 'refresh_token', client_id: provider._client.client_id }),
});
expect(rev.status === 200, `revocation: ${rev.status} ${await rev.text()}`);
const after = await fetch(mcpUrl, {
	method: 'POST',
	headers: { authorization: `Bearer ${second.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
	body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e', version: '0' } } }),
});
expect(after.status === 401, `access token after revocation: ${after.status}, want 401`);
expect(/resource_metadata=/.test(after.headers.get('www-authenticate') ?? ''), `401 without resource_metadata: ${after.headers.get('www-authenticate')}`);
for (const [name, rt] of [['rotated-out', first.refresh_token], ['revoked', second.refresh_token]]) {
	const r = await fetch(md.token_endpoint, {
		method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt, client_id: provider._client.client_id }),
	});
	const body = await r.json();
	expect(r.status === 400 && body.error === 'invalid_grant', `${name} refresh token: ${r.status} ${JSON.stringify(body)}`);
}
emit({ step: 'revoked' });
emit({ done: true });
cbServer.close();
