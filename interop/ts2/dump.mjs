// What the 2026-capable TypeScript client (@modelcontextprotocol/client
// 2.4.0, Streamable HTTP, 2026-07-28 through server/discover) sees of every fixture of the
// conformance server, as JSON on stdout, for interop/goclient's test that
// compares it with what mcpgen's Go client sees on the same server. It
// answers the server's requests as that test's Go client does: every
// elicitation accepted with values derived from the schema, sampling
// answered "Paris", one root.
//
//   MCP_URL=http://127.0.0.1:PORT/mcp MCP_ARGS='{"tool":{...}}' node dump.mjs
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const url = process.env.MCP_URL;
if (!url) throw new Error('set MCP_URL');
const args = JSON.parse(process.env.MCP_ARGS || '{}');
const templateURI = process.env.MCP_TEMPLATE_URI || 'test://template/42/data';

// formValues mirrors drive.FormValues (examples/conformance/drive).
function formValues(schema) {
  const out = {};
  for (const [name, p] of Object.entries(schema?.properties ?? {})) {
    if (p.default !== undefined) out[name] = p.default;
    else if (p.enum?.length) out[name] = p.enum[0];
    else if (p.oneOf?.length) out[name] = p.oneOf[0].const;
    else if (p.type === 'array' && p.items?.enum?.length) out[name] = [p.items.enum[0]];
    else if (p.type === 'array' && p.items?.anyOf?.length) out[name] = [p.items.anyOf[0].const];
    else if (p.type === 'array') out[name] = [];
    else if (p.type === 'boolean') out[name] = true;
    else if (p.type === 'number' || p.type === 'integer') out[name] = 7;
    else if (name === 'email') out[name] = 'ada@example.com';
    else out[name] = 'Ada';
  }
  return out;
}

const client = new Client(
  { name: 'fixture-client', version: '1' },
  { capabilities: { elicitation: { form: {} }, sampling: {}, roots: {} }, versionNegotiation: { mode: 'auto' } },
);
client.setRequestHandler('elicitation/create', async req => ({ action: 'accept', content: formValues(req.params.requestedSchema) }));
client.setRequestHandler('sampling/createMessage', async () => ({ role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'fixture-model' }));
client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///srv/project', name: 'project' }] }));
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
if (client.getNegotiatedProtocolVersion() !== '2026-07-28') throw new Error('negotiated ' + client.getNegotiatedProtocolVersion());

const out = {};
const progress = {};
async function record(key, f) {
  try {
    out[key] = { result: await f() };
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    out[key] = { error: { code: e.code, message: e.message.replace(/^MCP error -?\d+: /, '') } };
  }
}

const { tools } = await client.listTools();
for (const t of tools) {
  progress[t.name] = 0;
  await record('tool ' + t.name, () => client.callTool({ name: t.name, arguments: args[t.name] }, undefined, { onprogress: () => { progress[t.name]++; } }));
}
const { resources } = await client.listResources();
for (const uri of [templateURI, ...resources.map(r => r.uri)]) {
  await record('resource ' + uri, () => client.readResource({ uri }));
}
const { prompts } = await client.listPrompts();
for (const p of prompts) {
  const a = {};
  for (const arg of p.arguments ?? []) a[arg.name] = 'value-' + arg.name;
  await record('prompt ' + p.name, () => client.getPrompt({ name: p.name, arguments: a }));
}
await client.close();
process.stdout.write(JSON.stringify({ outcomes: out, progress }));
