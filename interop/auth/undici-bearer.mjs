// What the conformance suite gets for "undici" (see undici-hook.mjs): the
// real module's request, with "Authorization: Bearer $MCP_BEARER_TOKEN"
// added to requests for the server under test (MCP_BEARER_ORIGIN). The
// suite imports nothing else from undici.
import * as undici from 'undici';

const token = process.env.MCP_BEARER_TOKEN;
const origin = process.env.MCP_BEARER_ORIGIN;

export function request(url, opts = {}) {
  if (new URL(String(url)).origin !== origin) return undici.request(url, opts);
  const headers = { ...(opts.headers ?? {}) };
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) {
    headers.Authorization = `Bearer ${token}`;
  }
  return undici.request(url, { ...opts, headers });
}
