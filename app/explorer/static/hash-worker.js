/* keccak-256 of a file or a download, computed off the page's main thread as the bytes stream in
 * (noble-hashes, vendored from its npm package: app/explorer/static/vendor/noble-hashes). A large
 * PDF is never held in memory whole and the page stays responsive while it is hashed.
 *
 * Message in:  {id, file}  a File or Blob picked or dropped on the page
 *              {id, url}   a same-origin URL to download and hash (a stored document)
 * Messages out: {id, done, total}            progress, at most every PROGRESS_MS
 *               {id, hash, size}             the result, 0x-prefixed hex
 *               {id, error, status}          the download failed (status: its HTTP status) */
import { keccak_256 } from './vendor/noble-hashes/sha3.js';
import { bytesToHex } from './vendor/noble-hashes/utils.js';

const PROGRESS_MS = 100;

async function source(message) {
  if (message.file) {
    return { stream: message.file.stream(), total: message.file.size };
  }
  const response = await fetch(message.url, { credentials: 'omit' });
  if (!response.ok) {
    let code = '';
    try { code = (await response.json()).code || ''; } catch (ignored) { /* not a problem body */ }
    return { failed: response.status, code: code };
  }
  return { stream: response.body, total: Number(response.headers.get('content-length')) || 0 };
}

self.onmessage = async (event) => {
  const message = event.data;
  const id = message.id;
  try {
    const input = await source(message);
    if (input.failed) {
      self.postMessage({ id: id, error: input.code || 'http_' + input.failed, status: input.failed });
      return;
    }
    const hash = keccak_256.create();
    const reader = input.stream.getReader();
    let done = 0;
    let reported = 0;
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      hash.update(chunk.value);
      done += chunk.value.length;
      const now = Date.now();
      if (now - reported >= PROGRESS_MS) {
        reported = now;
        self.postMessage({ id: id, done: done, total: input.total });
      }
    }
    self.postMessage({ id: id, hash: '0x' + bytesToHex(hash.digest()), size: done });
  } catch (error) {
    self.postMessage({ id: id, error: String(error && error.message || error), status: 0 });
  }
};
