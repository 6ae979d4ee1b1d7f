/**
 * The objection page (/portal/tenders/{ocid}/sanggah): hashes the supplier's letter off the main
 * thread (the explorer's hash worker), unlocks the key kept in this browser with its password, signs
 * FileObjection with the figures the page carries (chain id, Tenders contract, tender id, nonce,
 * deadline) and posts only the signature and the hash to the portal, which relays them. The key is
 * wiped from memory once the signature is made.
 */
import { loadKeystore, inspectKeystore, signObjection, unlock } from './index.js';
import { wipe } from './bytes.js';

const form = document.getElementById('sanggah');
const data = form.dataset;
const result = document.getElementById('sanggah-result');
const send = document.getElementById('sanggah-send');
let evidenceHash = null;
let attempt = null; // one Idempotency-Key per signed objection, kept for its retries
let signed = null;

function say(text, failed) {
  result.textContent = text;
  result.className = 'verify-result ' + (failed === undefined ? '' : failed ? 'nomatch' : 'match');
  result.hidden = false;
}

function hashFile(file) {
  return new Promise((resolve, reject) => {
    const worker = new Worker('/explorer/static/hash-worker.js', { type: 'module' });
    worker.onmessage = (event) => {
      const message = event.data;
      if (message.hash) {
        worker.terminate();
        resolve(message.hash);
      } else if (message.error) {
        worker.terminate();
        reject(new Error(message.error));
      } else if (message.total) {
        say(data.hashing + ' ' + Math.round((100 * message.done) / message.total) + '%');
      }
    };
    worker.onerror = (event) => { worker.terminate(); reject(new Error(event.message)); };
    worker.postMessage({ id: 1, file });
  });
}

document.getElementById('evidence-file').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  evidenceHash = signed = null;
  if (!file) return;
  try {
    evidenceHash = await hashFile(file);
    document.getElementById('evidence-hash').textContent = evidenceHash;
    document.getElementById('evidence').hidden = false;
    result.hidden = true;
  } catch (error) {
    say(String(error.message || error), true);
  }
});

async function sign() {
  const stored = loadKeystore(data.supplier);
  if (!stored) throw new Error(data.noKey);
  if (inspectKeystore(stored).address.toLowerCase() !== data.account.toLowerCase()) {
    throw new Error(data.wrongKey);
  }
  say(data.signing);
  const password = document.getElementById('sanggah-password');
  const key = await unlock(stored, password.value);
  try {
    const made = signObjection(key, {
      chainId: data.chainId,
      verifyingContract: data.verifyingContract,
      tenderId: data.tenderId,
      evidenceHash,
      nonce: data.nonce,
      deadline: data.deadline,
    });
    password.value = '';
    return {
      supplier: made.supplier,
      evidenceHash,
      nonce: Number(data.nonce),
      deadline: Number(data.deadline),
      signature: made.signature,
    };
  } finally {
    wipe(key);
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!evidenceHash) return;
  send.disabled = true;
  try {
    if (!signed || signed.evidenceHash !== evidenceHash) {
      signed = await sign();
      attempt = crypto.randomUUID();
    }
    say(data.sending);
    let answer;
    try {
      answer = await fetch(data.post, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': attempt },
        body: JSON.stringify(signed),
      });
    } catch (unreachable) {
      say(data.unreachable, true);
      return;
    }
    const body = await answer.json().catch(() => ({}));
    if (answer.ok) {
      say(data.filed + ' ' + body.objectionId, false);
      const transaction = document.createElement('code');
      transaction.className = 'hash';
      transaction.textContent = body.transactionHash;
      result.append(document.createElement('br'), transaction);
      result.dataset.objection = String(body.objectionId);
      form.querySelectorAll('input, button').forEach((element) => { element.disabled = true; });
      return;
    }
    say(data.refused + ': ' + (body.title || answer.status) + (body.code ? ' (' + body.code + ')' : ''), true);
    result.dataset.code = body.code || '';
  } catch (error) {
    say(String(error.message || error), true);
  } finally {
    if (!result.dataset.objection) send.disabled = false;
  }
});

form.dataset.ready = 'true'; // the handlers are in place (tests wait for it)
