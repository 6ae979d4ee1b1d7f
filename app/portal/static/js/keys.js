/**
 * A supplier's secp256k1 key and its Ethereum address, made and checked in the browser.
 *
 * API
 *   newPrivateKey()                 -> Uint8Array(32)  from crypto.getRandomValues, in [1, n-1]
 *   importPrivateKey(hexOrBytes)    -> Uint8Array(32)  checked to be a valid secp256k1 key
 *   addressOf(privateKey)           -> string          its EIP-55 checksummed address
 *   addressOfPublicKey(publicKey)   -> string          of an uncompressed (65-byte) public key
 *   checksumAddress(address)        -> string          EIP-55 form; a mixed-case address must
 *                                                      already carry a valid checksum
 *
 * @module keys
 */
import { secp256k1 } from '../vendor/noble-curves/secp256k1.js';
import { keccak_256 } from '../vendor/noble-hashes/sha3.js';
import { toBytes, toHex, utf8 } from './bytes.js';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * A fresh private key: 32 bytes from the platform's CSPRNG, drawn again (never reduced, which
 * would bias the key) until it is a valid scalar, 1 <= key < n.
 * @returns {Uint8Array}
 */
export function newPrivateKey() {
  for (;;) {
    const candidate = globalThis.crypto.getRandomValues(new Uint8Array(32));
    if (secp256k1.utils.isValidSecretKey(candidate)) return candidate;
    candidate.fill(0);
  }
}

/**
 * A private key given as 32 bytes or 64 hex digits ('0x' optional), rejected when zero or not
 * below the curve order.
 * @param {Uint8Array|string} value
 * @returns {Uint8Array}
 */
export function importPrivateKey(value) {
  let key;
  try {
    key = toBytes(typeof value === 'string' ? value.trim() : value, 32, 'private key');
  } catch {
    throw new RangeError('a private key is 32 bytes (64 hex digits)');
  }
  if (!secp256k1.utils.isValidSecretKey(key)) {
    key.fill(0);
    throw new RangeError('not a valid secp256k1 private key (zero or not below the curve order)');
  }
  return key;
}

/**
 * The address of an uncompressed public key: the last 20 bytes of keccak256(x || y).
 * @param {Uint8Array} publicKey 65 bytes, 0x04 || x || y
 * @returns {string} EIP-55 checksummed
 */
export function addressOfPublicKey(publicKey) {
  if (publicKey.length !== 65 || publicKey[0] !== 4) {
    throw new RangeError('expected an uncompressed public key (65 bytes)');
  }
  return checksumAddress(toHex(keccak_256(publicKey.subarray(1)).subarray(12)));
}

/**
 * @param {Uint8Array|string} privateKey
 * @returns {string} the key's EIP-55 checksummed address
 */
export function addressOf(privateKey) {
  const key = importPrivateKey(privateKey);
  try {
    return addressOfPublicKey(secp256k1.getPublicKey(key, false));
  } finally {
    key.fill(0);
  }
}

/**
 * The EIP-55 form of an address. An all-lowercase or all-uppercase address is taken as is; a
 * mixed-case one must already be correctly checksummed (a typo in it is caught here).
 * @param {string} address '0x' and 40 hex digits
 * @returns {string}
 */
export function checksumAddress(address) {
  if (typeof address !== 'string' || !ADDRESS.test(address)) {
    throw new TypeError('an address is 0x followed by 40 hex digits');
  }
  const lower = address.slice(2).toLowerCase();
  const hash = keccak_256(utf8(lower));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >> 1] >> (i % 2 === 0 ? 4 : 0)) & 0x0f;
    out += nibble >= 8 ? lower[i].toUpperCase() : lower[i];
  }
  const body = address.slice(2);
  const mixed = body !== body.toLowerCase() && body !== body.toUpperCase();
  if (mixed && out !== address) throw new RangeError('the address checksum (EIP-55) is wrong');
  return out;
}
