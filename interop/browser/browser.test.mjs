// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core
// with executablePath: no browser is downloaded) opens pages served on one
// loopback origin that run the official TypeScript clients, bundled for the
// browser by run.sh, against mcpgen servers on another origin. The pages
// write their results into the DOM; the tests read and check them.
//
// Environment (run.sh sets it): PAGE_PORT (the allowed page origin
// http://127.0.0.1:PAGE_PORT), DENIED_PORT (a page origin the servers do
// not allow), DIST (the page and bundles), MCP_URL and SERVER_LOG (the
// conformance server, MCPGEN_CORS_ORIGINS=the page origin), SSE_URL (the
// quickstart's legacy SSE endpoint, same setting), AUTH_URL,
// TOKEN and ISSUER (examples/auth-jwt and its development issuer),
// SCREENSHOT (where to save one screenshot).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, extname } from 'node:path';
import { chromium } from 'playwright-core';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`set ${k} (interop/browser/run.sh does)`);
  return v;
};
const pagePort = Number(env('PAGE_PORT'));
const deniedPort = Number(env('DENIED_PORT'));
const dist = env('DIST');
const mcpURL = env('MCP_URL');
const authURL = env('AUTH_URL');
const sseURL = env('SSE_URL');
const serverLog = env('SERVER_LOG');

const pageOrigin = `http://127.0.0.1:${pagePort}`;
const deniedOrigin = `http://127.0.0.1:${deniedPort}`;

let context;
let profile;
const servers = [];

// serveDist serves the page and bundles on 127.0.0.1:port.
function serveDist(port) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
  const srv = createServer(async (req, res) => {
    const name = new URL(req.url, 'http://x').pathname.replace(/^\/+/, '') || 'index.html';
    if (!/^[\w.-]+$/.test(name)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(dist, name));
      res.writeHead(200, { 'Content-Type': types[extname(name)] || 'application/octet-stream', 'Cache-Control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  servers.push(srv);
  return new Promise((resolve, reject) => srv.listen(port, '127.0.0.1', resolve).on('error', reject));
}

before(async () => {
  await serveDist(pagePort);
  await serveDist(deniedPort);
  profile = await mkdtemp(join(tmpdir(), 'mcpgen-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1100, height: 900 },
  });
});

after(async () => {
  await context?.close();
  for (const s of servers) s.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

// runPage opens the page on origin with the query and returns what it
// wrote into #results once body[data-state] says it is finished.
async function runPage(origin, query, { screenshot } = {}) {
  const page = await context.newPage();
  const console_ = [];
  page.on('console', (m) => console_.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console_.push(`pageerror: ${e}`));
  try {
    await page.goto(`${origin}/index.html?${new URLSearchParams(query)}`);
    await page.waitForSelector('body[data-state="done"], body[data-state="failed"]', { timeout: 30000 });
    const results = JSON.parse(await page.textContent('#results'));
    const state = await page.getAttribute('body', 'data-state');
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    const times = Object.entries(results).filter(([, v]) => v?.ms !== undefined).map(([k, v]) => `${k} ${v.ms} ms`);
    console.log(`# ${query.client} ${query.scenario || 'open'} on ${origin}: ${times.join(', ')}`);
    return { state, results, console: console_ };
  } catch (e) {
    throw new Error(`${e.message}\npage console:\n${console_.join('\n')}`);
  } finally {
    await page.close();
  }
}

// ok returns a step's value, failing with the page's own account if the
// step failed or the page did not finish.
function ok(run, name) {
  const r = run.results[name];
  assert.ok(r, `step ${name} missing: ${JSON.stringify(run.results)}\n${run.console.join('\n')}`);
  assert.ok(r.ok, `step ${name} failed: ${r.error}\n${run.console.join('\n')}`);
  return r.value;
}

test('SDK 1.32.2 (2025-11-25, sessions) from another origin: connect, list, call, read, GET-stream notification, DELETE', async () => {
  const run = await runPage(pageOrigin, { client: 'v1', server: mcpURL }, { screenshot: process.env.SCREENSHOT });
  const conn = ok(run, 'connect');
  assert.match(conn.sessionId ?? '', /\S/, 'Mcp-Session-Id not readable: is it exposed?');
  assert.equal(conn.protocolVersion, '2025-11-25');
  assert.equal(conn.server, 'mcpgen-conformance');
  const tools = ok(run, 'listTools');
  for (const t of ['add_numbers', 'test_touch_watched_resource']) assert.ok(tools.includes(t), `tools/list lacks ${t}`);
  assert.deepEqual(ok(run, 'callTool'), { isError: false, structuredContent: { sum: 5.5 } });
  assert.equal(ok(run, 'readResource'), 'This is the content of the static text resource.');
  const n = ok(run, 'notification');
  assert.equal(n.uri, 'test://watched-resource');
  assert.equal(n.getStream?.status, 200, `no GET stream opened: ${JSON.stringify(n)}`);
  const term = ok(run, 'terminate');
  assert.ok(term.deleteStatus >= 200 && term.deleteStatus < 300, `DELETE answered ${term.deleteStatus}`);
  assert.equal(term.afterDelete, 404, 'the ended session must be 404, and readable cross-origin');
  assert.equal(run.state, 'done');
});

test('client 2.4.0 negotiating 2026-07-28 from another origin: list, call, a fetch with an Mcp-Param header, read, listen-stream notification', async () => {
  const run = await runPage(pageOrigin, { client: 'v2', server: mcpURL });
  const conn = ok(run, 'connect');
  assert.equal(conn.protocolVersion, '2026-07-28');
  assert.equal(conn.server, 'mcpgen-conformance');
  assert.ok(ok(run, 'listTools').includes('test_x_mcp_header'));
  assert.deepEqual(ok(run, 'callTool'), { isError: false, structuredContent: { sum: 5.5 } });
  assert.deepEqual(ok(run, 'callToolWithParamHeader'), { status: 200, isError: false, text: 'region=eu-west1 level=0' });
  assert.equal(ok(run, 'readResource'), 'This is the content of the static text resource.');
  assert.equal(ok(run, 'notification').uri, 'test://watched-resource');
  ok(run, 'close');
  assert.equal(run.state, 'done');
});

test('SDK 1.32.2 over legacy SSE (GET /sse, POST /messages/) from another origin: connect, list, call, read', async () => {
  const run = await runPage(pageOrigin, { client: 'v1', server: sseURL, scenario: 'sse' });
  assert.equal(ok(run, 'connect').server, 'weather');
  assert.deepEqual(ok(run, 'listTools'), ['get_forecast']);
  assert.deepEqual(ok(run, 'callTool'), { isError: false, city: 'Lima', days: 2 });
  assert.equal(ok(run, 'readResource'), true);
  const reqs = ok(run, 'close').requests;
  assert.ok(reqs.includes('GET 200') && reqs.includes('POST 202'), `requests: ${reqs}`);
  assert.equal(run.state, 'done');
});

test('bearer token (-auth jwt) from another origin: a readable 401 first, then success with the token', async () => {
  const run = await runPage(pageOrigin, { client: 'v1', server: authURL, scenario: 'auth', token: env('TOKEN') });
  const u = ok(run, 'unauthorized');
  assert.equal(u.status, 401);
  assert.match(u.wwwAuthenticate ?? '', /^Bearer .*resource_metadata="/, 'WWW-Authenticate not readable: is it exposed?');
  assert.deepEqual(u.authorizationServers, [env('ISSUER')]);
  assert.equal(ok(run, 'connectWithoutToken').connected, false);
  assert.match(ok(run, 'connect').sessionId ?? '', /\S/);
  assert.ok(ok(run, 'listTools').includes('whoami'));
  const who = ok(run, 'callTool');
  assert.equal(who.isError, false);
  assert.equal(who.structuredContent?.subject, 'conformance');
  assert.equal(ok(run, 'terminate').afterDelete, 404);
  assert.equal(run.state, 'done');
});

test('a page from an origin not allowed cannot call the server, and the server log says why', async () => {
  const run = await runPage(deniedOrigin, { client: 'v1', server: mcpURL, scenario: 'denied' });
  const conn = ok(run, 'connect');
  assert.equal(conn.connected, false);
  assert.match(conn.error, /fetch/i, 'the browser, not the server, must refuse');
  const raw = ok(run, 'rawFetch');
  assert.equal(raw.read, false, `the page read an answer: ${JSON.stringify(raw)}`);
  assert.ok(run.console.some((l) => l.includes('CORS')), `no CORS error in the console:\n${run.console.join('\n')}`);
  let log = '';
  for (let i = 0; i < 50; i++) {
    log = await readFile(serverLog, 'utf8');
    if (log.includes(deniedOrigin)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const line = log.split('\n').find((l) => l.includes('cors: origin not allowed') && l.includes(deniedOrigin));
  assert.ok(line, `no log line for ${deniedOrigin}:\n${log}`);
  assert.match(line, /level=WARN/);
  assert.ok(line.includes(`reason="not listed in MCPGEN_CORS_ORIGINS (${pageOrigin})"`), line);
});
