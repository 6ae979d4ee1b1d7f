/**
 * The contract page's countersignature (/portal/tenders/{ocid}/contract): unlocks the key kept in
 * this browser, signs Countersign over the terms hash the page shows (with the chain id, the escrow
 * contract, the escrow id, the nonce and the deadline it carries) and posts only the signature.
 */
import { signCountersign } from './index.js';
import { sendOnce, show, showDone, showRefused, withOwnKey } from './act.js';

const form = document.getElementById('countersign');
const data = form.dataset;
const result = document.getElementById('act-result');
const button = document.getElementById('countersign-send');
let pending = null; // {body, send}, kept for a retry

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  button.disabled = true;
  try {
    if (!pending) {
      show(result, data.signing);
      const password = document.getElementById('countersign-password');
      const made = await withOwnKey(form, password.value, (key) => signCountersign(key, {
        chainId: data.chainId,
        verifyingContract: data.verifyingContract,
        escrowId: data.escrowId,
        termsHash: data.termsHash,
        nonce: data.nonce,
        deadline: data.deadline,
      }));
      password.value = '';
      const body = {
        supplier: made.supplier,
        nonce: Number(data.nonce),
        deadline: Number(data.deadline),
        signature: made.signature,
      };
      pending = { body, send: sendOnce(form) };
    }
    show(result, data.sending);
    const answer = await pending.send(pending.body);
    if (answer === null) {
      show(result, data.unreachable, true);
    } else if (answer.ok) {
      showDone(result, data.done, answer.body.transactionHash);
      result.dataset.status = answer.body.status;
      form.querySelectorAll('input, button').forEach((element) => { element.disabled = true; });
      return;
    } else {
      showRefused(result, data.refused, answer);
      pending = null; // a refused signature is not sent again
    }
  } catch (error) {
    show(result, String(error.message || error), true);
  }
  button.disabled = false;
});

form.dataset.ready = 'true'; // the handlers are in place (tests wait for it)
