/**
 * What the portal's signing pages share: unlocking the supplier's own key kept in this browser,
 * and sending a signed act to the portal once, retried under the same Idempotency-Key.
 *
 * A page's form carries data-supplier (registry id), data-account (the registered account), the
 * texts data-no-key, data-wrong-key, data-signing, data-sending, data-unreachable, and data-post
 * (where the act goes).
 *
 * API
 *   withOwnKey(form, password, sign) -> Promise<any>   unlocks the key, calls sign(key), wipes it
 *   sendOnce(form)                   -> function(body) -> Promise<{ok, status, body}|null>
 *       null when the portal could not be reached (the caller says so; a retry sends the same key)
 *   show(element, text, failed?)     -> void
 *   showDone(element, text, transactionHash) -> void    the act recorded, with its transaction
 *   showRefused(element, prefix, answer)     -> void    the problem's title and stable code
 *
 * @module act
 */
import { checksumAddress, inspectKeystore, loadKeystore, unlock } from './index.js';
import { wipe } from './bytes.js';

/** Writes `text` into the result line; failed true/false colours it, undefined leaves it neutral. */
export function show(element, text, failed) {
  element.textContent = text;
  element.className = 'verify-result ' + (failed === undefined ? '' : failed ? 'nomatch' : 'match');
  element.hidden = false;
}

/**
 * Unlocks the key this browser keeps for the form's supplier and hands it to `sign`, refusing
 * before anything is signed when there is none or it is not the registered account.
 */
export async function withOwnKey(form, password, sign) {
  const data = form.dataset;
  const stored = loadKeystore(data.supplier);
  if (!stored) throw new Error(data.noKey);
  const address = checksumAddress(inspectKeystore(stored).address);
  if (address.toLowerCase() !== data.account.toLowerCase()) throw new Error(data.wrongKey);
  const key = await unlock(stored, password);
  try {
    return sign(key);
  } finally {
    wipe(key);
  }
}

/** A sender for one act: every call posts to data-post under the same Idempotency-Key. */
export function sendOnce(form) {
  const attempt = crypto.randomUUID();
  return async (body) => {
    let answer;
    try {
      answer = await fetch(form.dataset.post, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': attempt },
        body: JSON.stringify(body),
      });
    } catch (unreachable) {
      return null;
    }
    return { ok: answer.ok, status: answer.status, body: await answer.json().catch(() => ({})) };
  };
}

/** The act recorded: `text`, then its transaction hash on a line of its own (it wraps on a phone). */
export function showDone(element, text, transactionHash) {
  show(element, text, false);
  const transaction = document.createElement('code');
  transaction.className = 'hash';
  transaction.textContent = transactionHash;
  element.append(document.createElement('br'), transaction);
}

/** A refusal: the problem's title (or the HTTP status) and its stable code, kept on the element. */
export function showRefused(element, prefix, answer) {
  const code = answer.body.code || '';
  show(element, prefix + ': ' + (answer.body.title || answer.status) + (code ? ' (' + code + ')' : ''), true);
  element.dataset.code = code;
}
