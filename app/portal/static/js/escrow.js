/**
 * The milestone escrow's supplier countersignature, signed in the browser: EIP-712
 * Countersign(bytes32 escrowId, bytes32 termsHash, uint256 nonce, uint256 deadline) in the domain
 * "Terang MilestoneEscrow" version 1, relayed by the gateway to countersignBySig. Mirrors
 * app/protocol/escrow.py's sign_countersign (checked by tests/gateway/test_portal_signatures.py).
 *
 * The terms hash is taken as given here; a supplier's client should recompute it from the terms it
 * agreed to before signing (never trust the chain's copy alone).
 *
 * API
 *   COUNTERSIGN_FIELDS                                               [{name, type}, ...]
 *   countersignDigest({chainId, verifyingContract, escrowId, termsHash, nonce, deadline}) -> hex
 *   signCountersign(privateKey, {chainId, verifyingContract, escrowId, termsHash, nonce, deadline})
 *       -> {supplier, signature, digest}   nonce: MilestoneEscrow.nonces(supplier)
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
export const COUNTERSIGN_FIELDS = Object.freeze([
  { name: 'escrowId', type: 'bytes32' },
  { name: 'termsHash', type: 'bytes32' },
  { name: 'nonce', type: 'uint256' },
  { name: 'deadline', type: 'uint256' },
]);

/**
 * @param {{chainId, verifyingContract, escrowId, termsHash, nonce, deadline}} values
 * @returns {string} the EIP-712 digest, hex
 */
export function countersignDigest(values) {
  const { chainId, verifyingContract, escrowId, termsHash, nonce, deadline } = values;
  const domain = { name: DOMAIN_NAME, version: DOMAIN_VERSION, chainId, verifyingContract };
  const message = {
    escrowId: toBytes(escrowId, 32, 'escrowId'),
    termsHash: toBytes(termsHash, 32, 'termsHash'),
    nonce: toUint(nonce, 256, 'nonce'),
    deadline: toUint(deadline, 256, 'deadline'),
  };
  return toHex(typedDataDigest(domain, COUNTERSIGN_TYPE, COUNTERSIGN_FIELDS, message));
}

/**
 * Signs the countersignature and checks it recovers to the signer before returning it.
 * @param {Uint8Array|string} privateKey
 * @param {{chainId, verifyingContract, escrowId, termsHash, nonce, deadline}} values
 * @returns {{supplier: string, signature: string, digest: string}}
 */
export function signCountersign(privateKey, values) {
  const supplier = addressOf(privateKey);
  const hash = countersignDigest(values);
  const signature = signDigest(privateKey, hash);
  if (recoverAddress(hash, signature) !== supplier) {
    throw new Error('the signature does not recover to the signing key (not sent)');
  }
  return { supplier, signature: toHex(signature), digest: hash };
}
