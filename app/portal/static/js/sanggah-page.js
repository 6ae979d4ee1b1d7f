/**
 * The objection page (/portal/tenders/{ocid}/sanggah): hashes the supplier's letter off the main
 * thread (the explorer's hash worker), unlocks the key kept in this browser with its password, signs
 * FileObjection with the figures the page carries (chain id, Tenders contract, tender id, nonce,
 * deadline) and posts only the signature and the hash to the portal, which relays them.
 */
import { signObjection } from './index.js';
import { sendOnce, show, showDone, showRefused, withOwnKey } from './act.js';

const form = document.getElementById('sanggah');
const data = form.dataset;
const result = document.getElementById('sanggah-result');
const button = document.getElementById('sanggah-send');
let evidenceHash = null;
let pending = null; // {body, send}: the signed objection and its sender, kept for a retry

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
        show(result, data.hashing + ' ' + Math.round((100 * message.done) / message.total) + '%');
      }
    };
    worker.onerror = (event) => { worker.terminate(); reject(new Error(event.message)); };
    worker.postMessage({ id: 1, file });
  });
}

document.getElementById('evidence-file').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  evidenceHash = pending = null;
  if (!file) return;
  try {
    evidenceHash = await hashFile(file);
    document.getElementById('evidence-hash').textContent = evidenceHash;
    document.getElementById('evidence').hidden = false;
    result.hidden = true;
  } catch (error) {
    show(result, String(error.message || error), true);
  }
});

/** Puts the letter in the document store under its hash, so the Pokja can read what is signed. */
async function upload(file) {
  const query = '?filename=' + encodeURIComponent(file.name) + '&expected=' + evidenceHash;
  let answer;
  try {
    answer = await fetch('/portal/evidence' + query, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': file.type || 'application/octet-stream', 'Idempotency-Key': crypto.randomUUID() },
      body: file,
    });
  } catch (unreachable) {
    throw new Error(data.unreachable);
  }
  if (!answer.ok) {
    const body = await answer.json().catch(() => ({}));
    throw new Error(data.refused + ': ' + (body.title || answer.status) + (body.code ? ' (' + body.code + ')' : ''));
  }
}

async function sign() {
  show(result, data.uploading);
  await upload(document.getElementById('evidence-file').files[0]);
  show(result, data.signing);
  const password = document.getElementById('sanggah-password');
  const made = await withOwnKey(form, password.value, (key) => signObjection(key, {
    chainId: data.chainId,
    verifyingContract: data.verifyingContract,
    tenderId: data.tenderId,
    evidenceHash,
    nonce: data.nonce,
    deadline: data.deadline,
  }));
  password.value = '';
  const body = {
    supplier: made.supplier,
    evidenceHash,
    nonce: Number(data.nonce),
    deadline: Number(data.deadline),
    signature: made.signature,
  };
  return { body, send: sendOnce(form) };
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!evidenceHash) return;
  button.disabled = true;
  try {
    if (!pending || pending.body.evidenceHash !== evidenceHash) pending = await sign();
    show(result, data.sending);
    const answer = await pending.send(pending.body);
    if (answer === null) {
      show(result, data.unreachable, true);
    } else if (answer.ok) {
      showDone(result, data.filed + ' ' + answer.body.objectionId, answer.body.transactionHash);
      result.dataset.objection = String(answer.body.objectionId);
      form.querySelectorAll('input, button').forEach((element) => { element.disabled = true; });
      return;
    } else {
      showRefused(result, data.refused, answer);
    }
  } catch (error) {
    show(result, String(error.message || error), true);
  }
  button.disabled = false;
});

form.dataset.ready = 'true'; // the handlers are in place (tests wait for it)
