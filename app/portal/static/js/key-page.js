/**
 * The key page (/portal/key): creates or imports the supplier's key in this browser, keeps it
 * encrypted (keystore-store.js), offers the keystore as a backup file, and says whether its address
 * is the account the registry holds for the supplier. Nothing here is sent to the gateway.
 */
import {
  checksumAddress,
  createKeystore,
  importKeystore,
  inspectKeystore,
  keystoreFileName,
  loadKeystore,
  removeKeystore,
  saveKeystore,
} from './index.js';

const section = document.getElementById('key');
const supplier = section.dataset.supplier;
const account = (section.dataset.account || '').toLowerCase();
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

document.getElementById('export-key').addEventListener('click', () => {
  const stored = loadKeystore(supplier);
  if (!stored) return;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([stored], { type: 'application/json' }));
  link.download = keystoreFileName(inspectKeystore(stored).address);
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
});

document.getElementById('forget-key').addEventListener('click', () => {
  if (!window.confirm(section.dataset.forgetConfirm)) return;
  removeKeystore(supplier);
  show();
  say(section.dataset.forgotten, false);
});

show();
section.dataset.ready = 'true'; // the handlers are in place (tests wait for it)
