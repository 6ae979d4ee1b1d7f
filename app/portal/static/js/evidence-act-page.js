/**
 * The pages of a signed act that carries a document: the objection (/portal/tenders/{ocid}/sanggah,
 * form#sanggah: FileObjection on the Tenders contract) and the dispute of a milestone
 * (/portal/tenders/{ocid}/contract/milestones/{index}/dispute, form#dispute: OpenDispute on the
 * escrow). Hashes the supplier's document off the main thread (the explorer's hash worker), puts it
 * in the document store under that hash, unlocks the key kept in this browser with its password,
 * signs with the figures the page carries (chain id, contract, tender or escrow id, nonce, deadline)
 * and posts only the signature and the hash to the portal, which relays them.
 */
import { signObjection, signOpenDispute } from './index.js';
import { sendOnce, show, showDone, showRefused, withOwnKey } from './act.js';

const form = document.querySelector('form[data-act]');
const data = form.dataset;
const act = form.id;
const result = document.getElementById(act + '-result');
const button = document.getElementById(act + '-send');

/** Each act: what it signs, and how its answer is shown (the result's data-* for tests and readers). */
const ACTS = {
  sanggah: {
    sign: (key, common, evidenceHash) => signObjection(key, { ...common, tenderId: data.tenderId, evidenceHash }),
    done: (body) => {
      showDone(result, data.filed + ' ' + body.objectionId, body.transactionHash);
      result.dataset.objection = String(body.objectionId);
    },
  },
  dispute: {
    sign: (key, common, evidenceHash) => signOpenDispute(key, {
      ...common, escrowId: data.escrowId, index: data.index, evidenceHash,
    }),
    done: (body) => {
      showDone(result, data.filed, body.transactionHash);
      result.dataset.kind = body.kind;
    },
  },
};
let evidenceHash = null;
let pending = null; // {body, send}: the signed act and its sender, kept for a retry

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

/** Puts the document in the store under its hash, so the Pokja or the committee reads what is signed. */
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
  const password = document.getElementById(act + '-password');
  const common = {
    chainId: data.chainId, verifyingContract: data.verifyingContract, nonce: data.nonce, deadline: data.deadline,
  };
  const made = await withOwnKey(form, password.value, (key) => ACTS[act].sign(key, common, evidenceHash));
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
      ACTS[act].done(answer.body);
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
