// The official MCP Inspector (CLI mode) against the generated quickstart
// server: tools/call, resources/read and prompts/get over Streamable HTTP
// (/mcp), legacy SSE (/sse) and stdio (the binary started with -stdio).
// MCP_BASE is http://127.0.0.1:PORT; QUICKSTART_BIN the server binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, 'node_modules', '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js');
const base = process.env.MCP_BASE;
const bin = process.env.QUICKSTART_BIN;

async function inspect(target, ...args) {
  const { stdout } = await run(process.execPath, [cli, '--cli', ...target, ...args], {
    env: { ...process.env, HOME: process.env.INSPECTOR_HOME },
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

const targets = {
  'streamable http': () => [`${base}/mcp`],
  'legacy sse': () => [`${base}/sse`],
  stdio: () => [bin, '-stdio'],
};

for (const [name, target] of Object.entries(targets)) {
  test(`${name}: tools/call returns structured content`, async () => {
    const r = await inspect(target(), '--method', 'tools/call', '--tool-name', 'get_forecast', '--tool-arg', 'city=Lima', '--tool-arg', 'days=2');
    assert.equal(r.isError ?? false, false);
    assert.equal(r.structuredContent.city, 'Lima');
    assert.equal(r.structuredContent.days.length, 2);
    assert.deepEqual(JSON.parse(r.content[0].text), r.structuredContent);
  });

  test(`${name}: resources/read and prompts/get`, async () => {
    const rr = await inspect(target(), '--method', 'resources/read', '--uri', 'weather://cities');
    assert.match(rr.contents[0].text, /Tokyo/);
    const pr = await inspect(target(), '--method', 'prompts/get', '--prompt-name', 'plan_trip', '--prompt-args', 'city=Oslo');
    assert.match(pr.messages[0].content.text, /Oslo/);
  });
}
