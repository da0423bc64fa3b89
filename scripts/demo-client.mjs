// A dependency-free MCP exchange over Streamable HTTP for the demo:
// waits for the server, then initialize, tools/list and tools/call.
const url = process.argv[2];
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function post(body, session) {
  const h = { ...headers };
  if (session) { h['mcp-session-id'] = session; h['mcp-protocol-version'] = '2025-11-25'; }
  const res = await fetch(url, { method: 'POST', headers: h, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok && res.status !== 202) throw new Error(`HTTP ${res.status}: ${text}`);
  let msg = null;
  if ((res.headers.get('content-type') || '').includes('text/event-stream')) {
    for (const line of text.split('\n')) {
      if (line.startsWith('data:') && line.slice(5).trim()) msg = JSON.parse(line.slice(5));
    }
  } else if (text) {
    msg = JSON.parse(text);
  }
  return { msg, session: res.headers.get('mcp-session-id') };
}

for (let i = 0; ; i++) {
  try { await fetch(url, { method: 'GET' }); break; } catch (e) {
    if (i > 100) { console.error('server did not start'); process.exit(1); }
    await new Promise(r => setTimeout(r, 100));
  }
}
const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'demo', version: '1.0.0' } } });
console.log('<- initialize:', JSON.stringify(init.msg.result.serverInfo), 'protocol', init.msg.result.protocolVersion);
const s = init.session;
await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, s);
const list = await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, s);
console.log('<- tools/list:', list.msg.result.tools.map(t => t.name).join(', '));
const call = await post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'get_forecast', arguments: { city: 'Paris', days: 2 } } }, s);
console.log('<- tools/call get_forecast:', JSON.stringify(call.msg.result.structuredContent));
if (!call.msg.result.structuredContent || call.msg.result.isError) { console.error('unexpected result', JSON.stringify(call.msg)); process.exit(1); }
