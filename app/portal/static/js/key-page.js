/**
 * The key page (/portal/key): creates or imports the supplier's key in this browser, keeps it
 * encrypted (keystore-store.js), offers the keystore as a backup file, and says whether its address
 * is the account the registry holds for the supplier. None of that is sent to the gateway.
 *
 * Changing the registered key (form#rotate-key, shown while the browser's key is the registered
 * one): a new key is made here and encrypted under its new password, its backup is downloaded
 * before anything is sent, both keys sign RotateKey, and only the two signatures go to the portal.
 * The new keystore replaces the old one here once the ledger has moved the record.
 */
import {
  checksumAddress,
  createKeystore,
  encryptKey,
  importKeystore,
  inspectKeystore,
  keystoreFileName,
  loadKeystore,
  newPrivateKey,
  removeKeystore,
  saveKeystore,
  signRotation,
  unlock,
} from './index.js';
import { sendOnce, showDone, showRefused } from './act.js';
import { wipe } from './bytes.js';

const section = document.getElementById('key');
const supplier = section.dataset.supplier;
let account = (section.dataset.account || '').toLowerCase();
const rotateForm = document.getElementById('rotate-key');
const result = document.getElementById('key-result');

function say(text, failed) {
  result.textContent = text;
  result.className = 'verify-result ' + (failed ? 'nomatch' : 'match');
  result.hidden = false;
}

function failure(error) {
  const code = error && error.code ? ' (' + error.code + ')' : '';
  say(section.dataset.error + code + ': ' + (error && error.message ? error.message : error), true);
}

function progress(fraction) {
  result.hidden = false;
  result.className = 'verify-result';
  result.textContent = section.dataset.working + ' ' + Math.round(fraction * 100) + '%';
}

function show() {
  const stored = loadKeystore(supplier);
  const state = document.getElementById('key-state');
  const line = document.getElementById('key-address-line');
  const help = document.getElementById('key-bind-help');
  const actions = document.getElementById('key-actions');
  if (!stored) {
    state.textContent = section.dataset.none;
    line.hidden = help.hidden = actions.hidden = true;
    if (rotateForm) rotateForm.hidden = true;
    return;
  }
  const address = checksumAddress(inspectKeystore(stored).address);
  const matches = account !== '' && address.toLowerCase() === account;
  state.textContent = '';
  document.getElementById('key-address').textContent = address;
  const bound = document.getElementById('key-bound');
  bound.textContent = matches ? section.dataset.matches : section.dataset.differs;
  bound.className = 'badge ' + (matches ? 'match' : 'nomatch');
  bound.dataset.matches = String(matches);
  line.hidden = actions.hidden = false;
  help.hidden = matches;
  if (rotateForm) rotateForm.hidden = !matches;
}

async function busy(form, work) {
  const buttons = form.querySelectorAll('button');
  buttons.forEach((b) => { b.disabled = true; });
  try {
    await work();
  } catch (error) {
    failure(error);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

const createForm = document.getElementById('create-key');
createForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const password = document.getElementById('create-password');
  const again = document.getElementById('create-password-again');
  if (password.value !== again.value) {
    say(section.dataset.mismatch, true);
    return;
  }
  busy(createForm, async () => {
    const made = await createKeystore(password.value, { onProgress: progress });
    saveKeystore(supplier, made.json);
    password.value = again.value = '';
    show();
    say(section.dataset.created, false);
  });
});

const importForm = document.getElementById('import-key');
importForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const file = document.getElementById('import-file').files[0];
  const password = document.getElementById('import-password');
  if (!file) return;
  busy(importForm, async () => {
    const opened = await importKeystore(await file.text(), password.value, { onProgress: progress });
    saveKeystore(supplier, opened.json);
    password.value = '';
    show();
    say(section.dataset.imported, false);
  });
});

/** Offers a keystore as a file named as geth names it. */
function download(json) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  link.download = keystoreFileName(inspectKeystore(json).address);
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

document.getElementById('export-key').addEventListener('click', () => {
  const stored = loadKeystore(supplier);
  if (stored) download(stored);
});

let rotation = null; // {json, body, send}: the signed change and the new keystore, kept for a retry

/** Makes the new key, downloads its encrypted backup and has both keys sign the change. */
async function prepareRotation(currentPassword, newPassword) {
  const data = rotateForm.dataset;
  const currentKey = await unlock(loadKeystore(supplier), currentPassword, { onProgress: progress });
  const newKey = newPrivateKey();
  try {
    const made = await encryptKey(newKey, newPassword, { onProgress: progress });
    const signed = signRotation(currentKey, newKey, {
      chainId: data.chainId, verifyingContract: data.verifyingContract, nonce: data.nonce, deadline: data.deadline,
    });
    download(made.json); // the backup exists before the ledger moves the record
    const body = {
      current: signed.current,
      newAccount: signed.newAccount,
      nonce: Number(data.nonce),
      deadline: Number(data.deadline),
      currentSignature: signed.currentSignature,
      newSignature: signed.newSignature,
    };
    return { json: made.json, body, send: sendOnce(rotateForm) };
  } finally {
    wipe(currentKey);
    wipe(newKey);
  }
}

if (rotateForm) {
  rotateForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const current = document.getElementById('rotate-password');
    const fresh = document.getElementById('rotate-new-password');
    const again = document.getElementById('rotate-new-password-again');
    if (!rotation && fresh.value !== again.value) {
      say(section.dataset.mismatch, true);
      return;
    }
    busy(rotateForm, async () => {
      if (!rotation) rotation = await prepareRotation(current.value, fresh.value);
      current.value = fresh.value = again.value = '';
      const answer = await rotation.send(rotation.body);
      if (answer === null) {
        say(rotateForm.dataset.unreachable, true);
      } else if (answer.ok) {
        saveKeystore(supplier, rotation.json);
        account = rotation.body.newAccount.toLowerCase();
        document.getElementById('account').textContent = rotation.body.newAccount;
        rotation = null;
        show();
        rotateForm.hidden = true; // a second change needs the page again, for the new key's nonce
        showDone(result, rotateForm.dataset.rotated, answer.body.transactionHash);
        result.dataset.rotated = answer.body.newAccount;
      } else {
        showRefused(result, rotateForm.dataset.refused, answer);
        rotation = null; // a refused change is not sent again; its downloaded key is not registered
      }
    });
  });
}

document.getElementById('forget-key').addEventListener('click', () => {
  if (!window.confirm(section.dataset.forgetConfirm)) return;
  removeKeystore(supplier);
  show();
  say(section.dataset.forgotten, false);
});

show();
section.dataset.ready = 'true'; // the handlers are in place (tests wait for it)
