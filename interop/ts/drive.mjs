// The fixture driver both dump.mjs scripts share (interop/ts with
// @modelcontextprotocol/sdk 1.32.2, interop/ts2 with
// @modelcontextprotocol/client 2.4.0): the same calls and answers as the
// Go side, examples/conformance/drive. It imports no SDK itself.

// formValues mirrors drive.FormValues: each property's default, else its
// first enum value (or oneOf const), else a value of its type.
export function formValues(schema) {
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

// The answers to the server's requests, as drive.Options gives them.
export const samplingAnswer = () => ({ role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'fixture-model' });
export const rootsAnswer = () => ({ roots: [{ uri: 'file:///srv/project', name: 'project' }] });

// dump calls every tool (arguments from MCP_ARGS), reads every resource
// and MCP_TEMPLATE_URI, gets every prompt, closes the client and writes
// {outcomes, progress} as JSON on stdout, as drive.Run records them.
export async function dump(client) {
  const args = JSON.parse(process.env.MCP_ARGS || '{}');
  const templateURI = process.env.MCP_TEMPLATE_URI || 'test://template/42/data';
  const outcomes = {};
  const progress = {};
  async function record(key, f) {
    try {
      outcomes[key] = { result: await f() };
    } catch (e) {
      if (typeof e.code !== 'number') throw e;
      outcomes[key] = { error: { code: e.code, message: e.message.replace(/^MCP error -?\d+: /, '') } };
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
  process.stdout.write(JSON.stringify({ outcomes, progress }));
}
