// The experimental tasks of protocol 2025-11-25 with the official v1
// TypeScript SDK (@modelcontextprotocol/sdk 1.32.2, client.experimental.tasks):
// a task-augmented tools/call streamed to its result, tasks/get,
// tasks/list, tasks/result, and a cancelled task whose tool sees its
// context end. run.sh passes the conformance server's URL in MCP_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';

const url = process.env.MCP_URL;
if (!url) throw new Error('set MCP_URL to the server endpoint, e.g. http://127.0.0.1:8000/mcp');

let client;

before(async () => {
  client = new Client({ name: 'mcpgen-ts-tasks2025', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  await client.listTools(); // the SDK learns each tool's execution.taskSupport
});

after(async () => {
  await client?.close();
});

test('the server advertises tasks and each task tool says so', async () => {
  const caps = client.getServerCapabilities();
  assert.ok(caps.tasks?.requests?.tools?.call, JSON.stringify(caps.tasks));
  assert.ok(caps.tasks.list && caps.tasks.cancel);
  const tools = (await client.listTools()).tools;
  assert.equal(tools.find((t) => t.name === 'slow_compute').execution?.taskSupport, 'optional');
  assert.equal(tools.find((t) => t.name === 'failing_job').execution?.taskSupport, 'required');
  assert.equal(tools.find((t) => t.name === 'greet').execution, undefined);
});

test('callToolStream: task created, status, result', async () => {
  const kinds = [];
  let taskId;
  let final;
  for await (const msg of client.experimental.tasks.callToolStream({ name: 'slow_compute', arguments: { seconds: 1, label: 'v1' } }, CallToolResultSchema, { task: { ttl: 60000 } })) {
    kinds.push(msg.type);
    if (msg.type === 'taskCreated') taskId = msg.task.taskId;
    if (msg.type === 'result') final = msg.result;
    if (msg.type === 'error') throw msg.error;
  }
  assert.equal(kinds[0], 'taskCreated', kinds.join(','));
  assert.equal(final.content[0].text, 'Computed "v1" in 1 seconds');
  const t = await client.experimental.tasks.getTask(taskId);
  assert.equal(t.status, 'completed');
  assert.equal(t.ttl, 60000);
  const list = await client.experimental.tasks.listTasks();
  assert.ok(list.tasks.some((x) => x.taskId === taskId), JSON.stringify(list));
  const again = await client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
  assert.equal(again.content[0].text, final.content[0].text);
});

test('a tool error is a completed task whose result has isError', async () => {
  let final;
  for await (const msg of client.experimental.tasks.callToolStream({ name: 'failing_job', arguments: {} }, CallToolResultSchema, { task: {} })) {
    if (msg.type === 'result') final = msg.result;
    if (msg.type === 'error') throw msg.error;
  }
  assert.equal(final.isError, true);
});

test('cancelTask: the task is cancelled and the tool sees its context end', async () => {
  const count = async () => Number((await client.callTool({ name: 'tasks_cancelled_count', arguments: {} })).content[0].text);
  const before = await count();
  const created = await client.request(
    { method: 'tools/call', params: { name: 'slow_compute', arguments: { seconds: 60, label: 'v1 cancel' }, task: { ttl: 60000 } } },
    (await import('@modelcontextprotocol/sdk/types.js')).CreateTaskResultSchema,
  );
  const id = created.task.taskId;
  const cancelled = await client.experimental.tasks.cancelTask(id);
  assert.equal(cancelled.status, 'cancelled');
  assert.equal((await client.experimental.tasks.getTask(id)).status, 'cancelled');
  const deadline = Date.now() + 10000;
  while ((await count()) !== before + 1) {
    assert.ok(Date.now() < deadline, 'the tool never saw its context cancelled');
    await new Promise((r) => setTimeout(r, 100));
  }
  await assert.rejects(client.experimental.tasks.cancelTask(id), /-32602|already/);
});
