/**
 * The supplier's acts on its milestone escrow, signed in the browser in the EIP-712 domain
 * "Terang MilestoneEscrow" version 1 and relayed by the gateway:
 *   Countersign(bytes32 escrowId, bytes32 termsHash, uint256 nonce, uint256 deadline)
 *       -> countersignBySig
 *   OpenDispute(bytes32 escrowId, uint8 index, bytes32 evidenceHash, uint256 nonce, uint256 deadline)
 *       -> openDisputeBySig (a rejected milestone, or the penalty of an approved one)
 * Both spend MilestoneEscrow.nonces(supplier). Mirrors app/protocol/escrow.py's sign_countersign
 * and sign_open_dispute (checked by tests/gateway/test_portal_signatures.py).
 *
 * The terms hash is taken as given here; a supplier's client should recompute it from the terms it
 * agreed to before signing (never trust the chain's copy alone).
 *
 * API
 *   COUNTERSIGN_FIELDS, OPEN_DISPUTE_FIELDS                          [{name, type}, ...]
 *   countersignDigest({chainId, verifyingContract, escrowId, termsHash, nonce, deadline}) -> hex
 *   signCountersign(privateKey, {chainId, verifyingContract, escrowId, termsHash, nonce, deadline})
 *       -> {supplier, signature, digest}
 *   openDisputeDigest({chainId, verifyingContract, escrowId, index, evidenceHash, nonce, deadline}) -> hex
 *   signOpenDispute(privateKey, {chainId, verifyingContract, escrowId, index, evidenceHash, nonce, deadline})
 *       -> {supplier, signature, digest}
 *
 * @module escrow
 */
import { toBytes, toHex, toUint } from './bytes.js';
import { typedDataDigest } from './eip712.js';
import { addressOf } from './keys.js';
import { recoverAddress, signDigest } from './signing.js';

export const DOMAIN_NAME = 'Terang MilestoneEscrow';
export const DOMAIN_VERSION = '1';
export const COUNTERSIGN_TYPE = 'Countersign';
export const OPEN_DISPUTE_TYPE = 'OpenDispute';
const NONCE_AND_DEADLINE = [
  { name: 'nonce', type: 'uint256' },
  { name: 'deadline', type: 'uint256' },
];
export const COUNTERSIGN_FIELDS = Object.freeze([
  { name: 'escrowId', type: 'bytes32' },
  { name: 'termsHash', type: 'bytes32' },
  ...NONCE_AND_DEADLINE,
]);
export const OPEN_DISPUTE_FIELDS = Object.freeze([
  { name: 'escrowId', type: 'bytes32' },
  { name: 'index', type: 'uint8' },
  { name: 'evidenceHash', type: 'bytes32' },
  ...NONCE_AND_DEADLINE,
]);

function digestOf(primaryType, fields, values, own) {
  const { chainId, verifyingContract, escrowId, nonce, deadline } = values;
  const domain = { name: DOMAIN_NAME, version: DOMAIN_VERSION, chainId, verifyingContract };
  const message = {
    escrowId: toBytes(escrowId, 32, 'escrowId'),
    ...own,
    nonce: toUint(nonce, 256, 'nonce'),
    deadline: toUint(deadline, 256, 'deadline'),
  };
  return toHex(typedDataDigest(domain, primaryType, fields, message));
}

/** Signs `hash` and checks it recovers to the signer before returning it. */
function signed(privateKey, hash) {
  const supplier = addressOf(privateKey);
  const signature = signDigest(privateKey, hash);
  if (recoverAddress(hash, signature) !== supplier) {
    throw new Error('the signature does not recover to the signing key (not sent)');
  }
  return { supplier, signature: toHex(signature), digest: hash };
}

/**
 * @param {{chainId, verifyingContract, escrowId, termsHash, nonce, deadline}} values
 * @returns {string} the EIP-712 digest, hex
 */
export function countersignDigest(values) {
  return digestOf(COUNTERSIGN_TYPE, COUNTERSIGN_FIELDS, values, {
    termsHash: toBytes(values.termsHash, 32, 'termsHash'),
  });
}

/**
 * @param {Uint8Array|string} privateKey
 * @param {{chainId, verifyingContract, escrowId, termsHash, nonce, deadline}} values
 * @returns {{supplier: string, signature: string, digest: string}}
 */
export function signCountersign(privateKey, values) {
  return signed(privateKey, countersignDigest(values));
}

/**
 * @param {{chainId, verifyingContract, escrowId, index, evidenceHash, nonce, deadline}} values
 * @returns {string} the EIP-712 digest, hex
 */
export function openDisputeDigest(values) {
  return digestOf(OPEN_DISPUTE_TYPE, OPEN_DISPUTE_FIELDS, values, {
    index: toUint(values.index, 8, 'index'),
    evidenceHash: toBytes(values.evidenceHash, 32, 'evidenceHash'),
  });
}

/**
 * @param {Uint8Array|string} privateKey
 * @param {{chainId, verifyingContract, escrowId, index, evidenceHash, nonce, deadline}} values
 * @returns {{supplier: string, signature: string, digest: string}}
 */
export function signOpenDispute(privateKey, values) {
  return signed(privateKey, openDisputeDigest(values));
}
