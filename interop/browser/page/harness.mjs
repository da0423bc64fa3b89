// What every page shares: the query-string parameters, steps that write
// their outcome into the DOM (the test reads #results and
// body[data-state]), and a fetch that records what the client sent.
export const params = new URLSearchParams(location.search);
export const server = params.get('server');
export const scenario = params.get('scenario') || 'open';
export const token = params.get('token') || '';

const results = {};
const list = document.getElementById('steps');
document.getElementById('context').textContent =
  `page ${location.origin} → server ${server} (${params.get('client') || 'v1'}, ${scenario})`;

// step runs fn and records its value (or error) under name.
export async function step(name, fn) {
  const li = document.createElement('li');
  li.textContent = `… ${name}`;
  list.append(li);
  const start = performance.now();
  try {
    const value = await fn();
    results[name] = { ok: true, value, ms: Math.round(performance.now() - start) };
    li.className = 'ok';
    li.textContent = `✔ ${name}: ${JSON.stringify(value)}`;
    return value;
  } catch (e) {
    results[name] = { ok: false, error: String(e?.message ?? e), ms: Math.round(performance.now() - start) };
    li.className = 'fail';
    li.textContent = `✘ ${name}: ${e?.message ?? e}`;
    throw e;
  }
}

// finish publishes the results; the test waits for data-state.
export function finish(err) {
  if (err) results.error = String(err?.message ?? err);
  document.getElementById('results').textContent = JSON.stringify(results, null, 1);
  document.body.dataset.state = err ? 'failed' : 'done';
}

// within fails a promise that takes longer than ms.
export function within(ms, what, p) {
  return Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what}: nothing within ${ms} ms`)), ms))]);
}

// requests records method, status and Accept of every fetch the client
// transport makes.
export const requests = [];
export const recordingFetch = async (input, init) => {
  const method = init?.method || 'GET';
  const accept = new Headers(init?.headers).get('accept') || '';
  try {
    const res = await fetch(input, init);
    requests.push({ method, status: res.status, accept });
    return res;
  } catch (e) {
    requests.push({ method, error: String(e), accept });
    throw e;
  }
};

// rawPost sends one JSON-RPC message with fetch and returns what the page
// can read of the answer: status, and the exposed headers.
export async function rawPost(body, headers = {}) {
  const res = await fetch(server, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
  await res.text();
  return {
    status: res.status,
    wwwAuthenticate: res.headers.get('WWW-Authenticate'),
    sessionId: res.headers.get('Mcp-Session-Id'),
  };
}

export const initializeMessage = {
  jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw-fetch', version: '1' } },
};
