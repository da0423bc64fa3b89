// Module resolution hook (registered by bearer.mjs): when the conformance
// suite imports "undici", it gets undici-bearer.mjs instead, which adds
// the bearer token to undici.request calls for the server under test. The
// shim's own import of "undici" resolves as the suite's would have.
const shim = new URL('./undici-bearer.mjs', import.meta.url);

export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? '';
  if (specifier === 'undici' && parent.startsWith(shim.href)) {
    const from = new URL(parent).searchParams.get('from');
    return next(specifier, { ...context, parentURL: from });
  }
  if (specifier === 'undici' && parent.includes('/@modelcontextprotocol/conformance/')) {
    const url = new URL(shim);
    url.searchParams.set('from', parent);
    return { url: url.href, shortCircuit: true };
  }
  return next(specifier, context);
}
