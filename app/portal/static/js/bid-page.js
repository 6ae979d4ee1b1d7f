/**
 * The bid page (/portal/tenders/{ocid}/bid). Before the bid deadline: seals the price in this
 * browser (salt, commitment, envelope for the Pokja: bid.js), keeps the opening here and offers it
 * as a file, signs CommitBid and sends the commitment, the envelope and the signature. In the
 * opening window: signs RevealBid over the kept opening (or one loaded from its file) and sends it.
 * The opening (price and salt) stays in this browser until then: whoever has it can read the price.
 */
import { sealBid, signCommit, signReveal } from './index.js';
import { sendOnce, show, showRefused, withOwnKey } from './act.js';
import { toHex, utf8 } from './bytes.js';
import { keccak_256 } from '../vendor/noble-hashes/sha3.js';

const form = document.getElementById('bid');
const data = form.dataset;
const result = document.getElementById('bid-result');
const button = document.getElementById('bid-send');
const slot = 'terang.portal.opening.' + data.supplier + '.' + data.tenderId;
let pending = null; // {body, send, onDone}: the signed act, kept for a retry

function keep(opening) {
  const text = JSON.stringify(opening);
  localStorage.setItem(slot, text);
  const link = document.getElementById('opening-download');
  link.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  link.download = 'pembukaan-' + data.ocid + '.json';
  document.getElementById('opening-backup').hidden = false;
}

/** The product rows filled in: [{id, shareBps, tkdnBps (null until its certificate is read)}]. */
function productRows() {
  return [...document.querySelectorAll('.product-row')]
    .map((row) => {
      const code = row.querySelector('.product-code').value.trim();
      const share = Math.round(Number(row.querySelector('.product-share').value) * 100);
      const tkdn = row.dataset.tkdn === undefined ? null : Number(row.dataset.tkdn);
      return { code, id: code ? toHex(keccak_256(utf8(code))) : null, shareBps: share, tkdnBps: tkdn };
    })
    .filter((row) => row.code && row.shareBps > 0);
}

/** The bid's TKDN as the contract computes it: sum(TKDN_i x share_i) / 10,000, rounded down. */
function showTkdn() {
  const bps = productRows().reduce((sum, row) => sum + (row.tkdnBps || 0) * row.shareBps, 0);
  document.getElementById('bid-tkdn').textContent = Math.floor(bps / 10000) / 100 + '%';
}

/** Reads a product's certificate (the registry's id is keccak256 of its code) into its row. */
async function certificate(row) {
  const code = row.querySelector('.product-code').value.trim();
  const label = row.querySelector('.product-tkdn');
  const fieldset = document.getElementById('products').dataset;
  delete row.dataset.tkdn;
  label.textContent = '';
  if (code) {
    const answer = await fetch('/tkdn/certificates/' + toHex(keccak_256(utf8(code))));
    if (answer.ok) {
      const found = await answer.json();
      row.dataset.tkdn = String(found.tkdnBps);
      label.textContent = fieldset.certified + ' ' + found.tkdnBps / 100 + '%';
    } else {
      label.textContent = fieldset.uncertified;
    }
  }
  showTkdn();
}

if (data.stage === 'commit') {
  document.querySelectorAll('.product-row').forEach((row) => {
    row.querySelector('.product-code').addEventListener('change', () => certificate(row));
    row.querySelector('.product-share').addEventListener('input', showTkdn);
  });
}

async function commit(password) {
  show(result, data.sealing);
  const sealed = await sealBid({
    tenderId: data.tenderId,
    supplierId: data.supplier,
    price: document.getElementById('bid-price').value,
    products: productRows().map((row) => [row.id, row.shareBps]),
    pokjaKeys: JSON.parse(data.pokjaKeys),
    quorum: Number(data.quorum),
  });
  show(result, data.signing);
  const made = await withOwnKey(form, password, (key) => signCommit(key, {
    chainId: data.chainId,
    verifyingContract: data.verifyingContract,
    tenderId: data.tenderId,
    commitment: sealed.commitment,
    envelopeHash: sealed.envelopeHash,
    replaces: data.replaces,
    nonce: data.nonce,
    deadline: data.deadline,
  }));
  keep(sealed.opening); // before it is sent: a bid on chain whose opening is lost cannot be opened
  const body = {
    supplier: made.supplier,
    commitment: sealed.commitment,
    envelope: sealed.envelope,
    replaces: data.replaces,
    nonce: Number(data.nonce),
    deadline: Number(data.deadline),
    signature: made.signature,
  };
  return {
    body,
    send: sendOnce(form),
    onDone: (answer) => {
      keep({ ...sealed.opening, commitSeq: answer.commitSeq });
      result.dataset.commitSeq = String(answer.commitSeq);
      return data.committed + ' ' + answer.commitSeq;
    },
  };
}

async function openingToReveal() {
  const file = document.getElementById('opening-file').files[0];
  const text = file ? await file.text() : localStorage.getItem(slot);
  if (!text) throw new Error(data.noOpening);
  const opening = JSON.parse(text);
  // The opening of the sealed bid on chain now, not of a bid it replaced.
  const same = opening.tenderId === data.tenderId && String(opening.supplierId) === data.supplier;
  if (!same || opening.commitment.toLowerCase() !== data.commitment.toLowerCase()) {
    throw new Error(data.noOpening);
  }
  return opening;
}

async function reveal(password) {
  const opening = await openingToReveal();
  show(result, data.signing);
  const made = await withOwnKey(form, password, (key) => signReveal(key, {
    chainId: data.chainId,
    verifyingContract: data.verifyingContract,
    tenderId: data.tenderId,
    commitment: opening.commitment,
    nonce: data.nonce,
    deadline: data.deadline,
  }));
  const body = {
    supplier: made.supplier,
    opening: {
      price: Number(opening.price),
      products: opening.products.map(([productId, shareBps]) => ({ productId, shareBps: Number(shareBps) })),
      salt: opening.salt,
      bidBondRef: opening.bidBondRef,
      commitSeq: Number(data.commitSeq),
      envelopeHash: opening.envelopeHash,
    },
    nonce: Number(data.nonce),
    deadline: Number(data.deadline),
    signature: made.signature,
  };
  return {
    body,
    send: sendOnce(form),
    onDone: (answer) => {
      result.dataset.price = String(answer.price);
      return data.revealed + ' ' + answer.price;
    },
  };
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  button.disabled = true;
  try {
    if (!pending) {
      const password = document.getElementById('bid-password');
      pending = await (data.stage === 'commit' ? commit : reveal)(password.value);
      password.value = '';
    }
    show(result, data.sending);
    const answer = await pending.send(pending.body);
    if (answer === null) {
      show(result, data.unreachable, true);
    } else if (answer.ok) {
      show(result, pending.onDone(answer.body), false);
      form.querySelectorAll('input, button').forEach((element) => { element.disabled = true; });
      return;
    } else {
      showRefused(result, data.refused, answer);
      pending = null;
    }
  } catch (error) {
    show(result, String(error.message || error), true);
  }
  button.disabled = false;
});

form.dataset.ready = 'true'; // the handlers are in place (tests wait for it)
