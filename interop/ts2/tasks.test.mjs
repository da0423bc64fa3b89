// Interop test of mcpgen's tasks (the MCP tasks extension on 2026-07-28)
// with the official TypeScript client 2.4.0. The client negotiates
// 2026-07-28 and sees the extension advertised, but its callTool does not
// handle task results ("Unsupported result type 'task'"), so the task
// methods go as raw JSON-RPC over the client's own Streamable HTTP
// transport (which adds the Mcp-Method and Mcp-Name headers from the
// body). Three tasks: one watched through subscriptions/listen and
// tasks/get to its result; one cancelled, whose tool must see its context
// cancelled; one that outlives a disconnect and is fetched by a new
// connection. run.sh passes the server's URL in MCP_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const url = process.env.MCP_URL;
if (!url) throw new Error('set MCP_URL to the server endpoint, e.g. http://127.0.0.1:8000/mcp');

const TASKS = 'io.modelcontextprotocol/tasks';
const caps = { elicitation: { form: {} }, extensions: { [TASKS]: {} } };

// rawSession opens the client's transport and sends 2026 requests with
// the per-request _meta envelope; notifications land in `notifications`.
async function rawSession() {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const pending = new Map();
  const notifications = [];
  transport.onmessage = (msg) => {
    if ('id' in msg && pending.has(msg.id) && !('method' in msg)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) reject(Object.assign(new Error(msg.error.message), { code: msg.error.code, data: msg.error.data }));
      else resolve(msg.result);
    } else if ('method' in msg && !('id' in msg)) {
      notifications.push(msg);
    }
  };
  await transport.start();
  let next = 0;
  const request = (method, params = {}, clientCaps = caps) =>
    new Promise((resolve, reject) => {
      const id = `raw-${++next}`;
      pending.set(id, { resolve, reject });
      transport
        .send({
          jsonrpc: '2.0',
          id,
          method,
          params: {
            ...params,
            _meta: {
              'io.modelcontextprotocol/protocolVersion': '2026-07-28',
              'io.modelcontextprotocol/clientCapabilities': clientCaps,
              'io.modelcontextprotocol/clientInfo': { name: 'mcpgen-ts2-tasks', version: '1.0.0' },
            },
          },
        })
        .catch((err) => {
          pending.delete(id);
          reject(err);
        });
    });
  return { transport, request, notifications, close: () => transport.close() };
}

async function until(what, fn, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let client;
let raw;

before(async () => {
  client = new Client({ name: 'mcpgen-ts2-tasks', version: '1.0.0' }, { capabilities: caps, versionNegotiation: { mode: 'auto' } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  raw = await rawSession();
});

after(async () => {
  await raw?.close();
  await client?.close();
});

test('the client negotiates 2026-07-28 and sees the tasks extension', () => {
  assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
  assert.ok(client.getServerCapabilities()?.extensions?.[TASKS], 'extensions[io.modelcontextprotocol/tasks] not advertised');
});

test('a task: created at once, watched (listen + tasks/get), result fetched', async () => {
  const created = await raw.request('tools/call', { name: 'slow_compute', arguments: { seconds: 2, label: 'watched' } });
  assert.equal(created.resultType, 'task');
  assert.equal(created.status, 'working');
  assert.ok(created.taskId && Number.isInteger(created.ttlMs) && created.ttlMs > 0, JSON.stringify(created));

  // Status notifications for this task on a subscriptions/listen stream.
  const listen = raw.request('subscriptions/listen', { notifications: { taskIds: [created.taskId] } }).catch(() => {});
  const ack = await until('the listen acknowledgement', () =>
    raw.notifications.find((n) => n.method === 'notifications/subscriptions/acknowledged'),
  );
  assert.deepEqual(ack.params.notifications.taskIds, [created.taskId]);

  const seen = new Set();
  const done = await until('the task to complete', async () => {
    const t = await raw.request('tasks/get', { taskId: created.taskId });
    assert.equal(t.taskId, created.taskId);
    seen.add(t.status);
    return t.status === 'completed' ? t : null;
  });
  assert.ok(seen.has('working'), `statuses seen: ${[...seen]}`);
  assert.equal(done.result.content[0].text, 'Computed "watched" in 2 seconds');
  assert.equal(done.result.isError, undefined);

  const pushed = await until('notifications/tasks with the result', () =>
    raw.notifications.find((n) => n.method === 'notifications/tasks' && n.params.status === 'completed'),
  );
  assert.equal(pushed.params.taskId, created.taskId);
  assert.equal(pushed.params.result.content[0].text, done.result.content[0].text);
  // Progress became the status message while it worked.
  assert.ok(
    raw.notifications.some((n) => n.method === 'notifications/tasks' && /computed 1 of 2 seconds/.test(n.params.statusMessage ?? '')),
    'no status message from the tool\'s progress',
  );
  void listen;
});

test('a cancelled task: tasks/cancel acks, the status settles, the tool saw its context cancelled', async () => {
  const count = async () => Number((await client.callTool({ name: 'tasks_cancelled_count', arguments: {} })).content[0].text);
  const before = await count();
  const created = await raw.request('tools/call', { name: 'slow_compute', arguments: { seconds: 60, label: 'cancel me' } });
  assert.equal(created.resultType, 'task');
  const ack = await raw.request('tasks/cancel', { taskId: created.taskId });
  assert.deepEqual(ack, { resultType: 'complete' });
  const t = await raw.request('tasks/get', { taskId: created.taskId });
  assert.equal(t.status, 'cancelled');
  await until('the tool to see its context cancelled', async () => (await count()) === before + 1);
});

test('a task outlives a client disconnect and is fetched after reconnecting', async () => {
  const first = await rawSession();
  const created = await first.request('tools/call', { name: 'slow_compute', arguments: { seconds: 1, label: 'survivor' } });
  assert.equal(created.resultType, 'task');
  await first.close();

  const second = await rawSession();
  try {
    const done = await until('the task to complete', async () => {
      const t = await second.request('tasks/get', { taskId: created.taskId });
      return t.status === 'completed' ? t : null;
    });
    assert.equal(done.result.content[0].text, 'Computed "survivor" in 1 seconds');
  } finally {
    await second.close();
  }
});

test('unknown task ids are -32602; task methods need the extension declared', async () => {
  await assert.rejects(raw.request('tasks/get', { taskId: 'no-such-task' }), (err) => err.code === -32602);
  await assert.rejects(raw.request('tasks/get', { taskId: 'no-such-task' }, {}), (err) => err.code === -32021 && !!err.data?.requiredCapabilities?.extensions?.[TASKS]);
  // Without the extension an optional task tool runs synchronously.
  const sync = await raw.request('tools/call', { name: 'slow_compute', arguments: { seconds: 0, label: 'sync' } }, {});
  assert.equal(sync.resultType, 'complete');
  assert.equal(sync.content[0].text, 'Computed "sync" in 0 seconds');
});
