/**
 * A supplier's key rotation, signed in the browser by both keys: EIP-712
 *   RotateKey(address current, address newAccount, uint256 nonce, uint256 deadline)
 * in the domain "Terang SupplierRegistry" version 1, relayed by the gateway to
 * SupplierRegistry.rotateKeyBySig. The current key signs to move the record, the new key signs the
 * same message to show it is held. Mirrors app/protocol/supplier_keys.py's sign_rotation (checked by
 * tests/gateway/test_portal_signatures.py).
 *
 * API
 *   ROTATE_KEY_FIELDS                                                    [{name, type}, ...]
 *   rotationDigest({chainId, verifyingContract, current, newAccount, nonce, deadline}) -> hex
 *   signRotation(currentKey, newKey, {chainId, verifyingContract, nonce, deadline})
 *       -> {current, newAccount, currentSignature, newSignature, digest}
 *   nonce: SupplierRegistry.nonces(current)
 *
 * @module key-rotation
 */
import { toHex, toUint } from './bytes.js';
import { typedDataDigest } from './eip712.js';
import { addressOf, checksumAddress } from './keys.js';
import { recoverAddress, signDigest } from './signing.js';

export const DOMAIN_NAME = 'Terang SupplierRegistry';
export const DOMAIN_VERSION = '1';
export const ROTATE_KEY_TYPE = 'RotateKey';
export const ROTATE_KEY_FIELDS = Object.freeze([
  { name: 'current', type: 'address' },
  { name: 'newAccount', type: 'address' },
  { name: 'nonce', type: 'uint256' },
  { name: 'deadline', type: 'uint256' },
]);

/**
 * @param {{chainId, verifyingContract, current, newAccount, nonce, deadline}} values
 * @returns {string} the EIP-712 digest, hex
 */
export function rotationDigest(values) {
  const { chainId, verifyingContract, current, newAccount, nonce, deadline } = values;
  const domain = { name: DOMAIN_NAME, version: DOMAIN_VERSION, chainId, verifyingContract };
  const message = {
    current: checksumAddress(current),
    newAccount: checksumAddress(newAccount),
    nonce: toUint(nonce, 256, 'nonce'),
    deadline: toUint(deadline, 256, 'deadline'),
  };
  return toHex(typedDataDigest(domain, ROTATE_KEY_TYPE, ROTATE_KEY_FIELDS, message));
}

function signedBy(privateKey, address, hash) {
  const signature = signDigest(privateKey, hash);
  if (recoverAddress(hash, signature) !== address) {
    throw new Error('the signature does not recover to the signing key (not sent)');
  }
  return toHex(signature);
}

/**
 * Both keys sign the rotation; each signature is checked to recover to its key before it is returned.
 * @param {Uint8Array|string} currentKey the registered key
 * @param {Uint8Array|string} newKey the key the record moves to
 * @param {{chainId, verifyingContract, nonce, deadline}} values
 * @returns {{current: string, newAccount: string, currentSignature: string, newSignature: string, digest: string}}
 */
export function signRotation(currentKey, newKey, values) {
  const current = addressOf(currentKey);
  const newAccount = addressOf(newKey);
  if (current === newAccount) throw new Error('the new key is the current key');
  const digest = rotationDigest({ ...values, current, newAccount });
  return {
    current,
    newAccount,
    currentSignature: signedBy(currentKey, current, digest),
    newSignature: signedBy(newKey, newAccount, digest),
    digest,
  };
}
