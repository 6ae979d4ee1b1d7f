/* Runs the portal's browser modules (app/portal/static/js) under Node for the tests, resolved
 * through the page's import map (importmap_hooks.mjs). Reads one JSON request on stdin:
 *   {imports, staticUrl, staticDir, calls: [{module, fn, args, repeat?}], scriptedRandom?}
 * and writes one JSON array, a result per call in order: {ok: value} or {error: {name, code,
 * message}}; with `repeat` also {ms: [...]} (milliseconds per run, timed inside Node). Bytes come
 * back as 0x hex and bigints as decimal strings. A Map stands in for the browser's localStorage.
 * An optional `scriptedRandom` (hex strings) is served first by crypto.getRandomValues. */
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const request = JSON.parse(readFileSync(0, 'utf8'));
register('./importmap_hooks.mjs', import.meta.url, {
  data: { imports: request.imports, staticUrl: request.staticUrl, staticDir: request.staticDir },
});

// Scripted randomness, to test how the library handles unlucky draws: each getRandomValues call
// takes the next scripted value when its length matches the array, else real randomness.
const scripted = (request.scriptedRandom || []).map((hex) => Buffer.from(hex.replace(/^0x/, ''), 'hex'));
const realRandom = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
globalThis.crypto.getRandomValues = (array) => {
  if (scripted.length && scripted[0].length === array.byteLength) {
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(scripted.shift());
    return array;
  }
  return realRandom(array);
};

if (!globalThis.localStorage) {
  const items = new Map();
  globalThis.localStorage = {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
  };
}

function plain(value) {
  if (value instanceof Uint8Array) return '0x' + Buffer.from(value).toString('hex');
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value === undefined ? null : value;
}

const results = [];
for (const call of request.calls) {
  try {
    const module = await import(pathToFileURL(`${request.staticDir}/js/${call.module}`).href);
    if (typeof module[call.fn] !== 'function') throw new Error(`${call.module} exports no ${call.fn}`);
    const runs = call.repeat || 1;
    const ms = [];
    let value;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      value = await module[call.fn](...call.args);
      ms.push(performance.now() - start);
    }
    results.push(call.repeat ? { ok: plain(value), ms } : { ok: plain(value) });
  } catch (error) {
    results.push({ error: { name: error.name, code: error.code || null, message: error.message } });
  }
}
process.stdout.write(JSON.stringify(results));
