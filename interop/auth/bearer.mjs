// Preloaded into the conformance suite (node --import ./bearer.mjs): the
// suite has no option for request headers, so this wraps globalThis.fetch
// to add "Authorization: Bearer $MCP_BEARER_TOKEN" to requests for the
// server under test (MCP_BEARER_ORIGIN), and to nothing else. The
// DNS-rebinding scenario sends its requests with undici.request, not
// fetch: a resolution hook (undici-hook.mjs) hands the suite a wrapped
// undici (undici-bearer.mjs) that adds the token the same way.
import { register } from 'node:module';

const token = process.env.MCP_BEARER_TOKEN;
const origin = process.env.MCP_BEARER_ORIGIN;
if (!token || !origin) throw new Error('bearer.mjs: set MCP_BEARER_TOKEN and MCP_BEARER_ORIGIN');
register('./undici-hook.mjs', import.meta.url);

const plainFetch = globalThis.fetch;
globalThis.fetch = function fetchWithBearer(input, init = {}) {
  const target = new URL(input instanceof Request ? input.url : String(input));
  if (target.origin !== origin) return plainFetch(input, init);
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
  return plainFetch(input, { ...init, headers });
};
