/**
 * The bid page (/portal/tenders/{ocid}/bid). Before the bid deadline: seals the price in this
 * browser (salt, commitment, envelope for the Pokja: bid.js), keeps the opening here and offers it
 * as a file, signs CommitBid and sends the commitment, the envelope and the signature. In the
 * opening window: signs RevealBid over the kept opening (or one loaded from its file) and sends it.
 * The opening (price and salt) stays in this browser until then: whoever has it can read the price.
 */
import { sealBid, signCommit, signReveal } from './index.js';
import { sendOnce, show, withOwnKey } from './act.js';

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

async function commit(password) {
  show(result, data.sealing);
  const sealed = await sealBid({
    tenderId: data.tenderId,
    supplierId: data.supplier,
    price: document.getElementById('bid-price').value,
    products: [],
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
      const reason = answer.body.title || answer.status;
      show(result, data.refused + ': ' + reason + (answer.body.code ? ' (' + answer.body.code + ')' : ''), true);
      result.dataset.code = answer.body.code || '';
      pending = null;
    }
  } catch (error) {
    show(result, String(error.message || error), true);
  }
  button.disabled = false;
});

form.dataset.ready = 'true'; // the handlers are in place (tests wait for it)
