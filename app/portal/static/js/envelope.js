/**
 * Bid envelopes, sealed in the supplier's browser: the bid's opening encrypted so that any k of the
 * tender's n Pokja members together can open it if the bidder does not reveal, and fewer than k
 * learn nothing. The gateway receives the envelope only, never a price. Version 1 of the format of
 * app/tenders/envelope.py (its docstring is the specification;
 * tests/gateway/test_portal_envelope.py opens envelopes made here with that Python):
 *
 *   offset          size  field
 *   0               1     version, 0x01
 *   1               1     quorum k (1 <= k <= n)
 *   2               1     members n (1 <= n <= 32)
 *   3               32    e_pub: the ephemeral X25519 public key of this envelope
 *   35 + 44 (i-1)   44    c_i for member i = 1..n: nonce_i (12) || AES-256-GCM(key_i, share_i)
 *   35 + 44 n       12    nonce_o
 *   47 + 44 n       L+16  AES-128-GCM(K, opening, aad) (ciphertext, then the 16-byte tag)
 *
 *   K       = 16 random bytes, Shamir-split (shamir.js, as pycryptodome) into share_1..share_n
 *   key_i   = HKDF-SHA256(X25519(e, P_i), no salt, length 32, info = "terang/bid-envelope/v1/share"
 *             || tenderId (32) || supplierId (8, big-endian) || i (1) || e_pub (32) || P_i (32))
 *   aad     = "terang/bid-envelope/v1" || tenderId (32) || supplierId (8, big-endian) || k || n
 *
 * Primitives: X25519 from the vendored @noble/curves (ed25519.js), which works in every browser;
 * HKDF-SHA256 and AES-GCM from WebCrypto (crypto.subtle), native in every current browser and in
 * Node 20+, so no cipher code is vendored and the derived share keys are non-extractable CryptoKeys
 * that never exist as JavaScript bytes. WebCrypto needs a secure context (https, or localhost);
 * elsewhere seal() refuses with a clear error. All randomness is crypto.getRandomValues.
 *
 * API (bytes arguments: Uint8Array or hex)
 *   seal(opening, tenderId, supplierId, memberPublicKeys, quorum) -> Promise<Uint8Array>
 *       opening: the plaintext (opening.js encodeOpening); tenderId 32 bytes; supplierId
 *       1..2**64-1; memberPublicKeys the Pokja's raw 32-byte X25519 keys in Pokja order (member
 *       i = memberPublicKeys[i - 1]), distinct; quorum 1..n
 *   envelopeSize(members, openingSize) -> number
 *   VERSION, MAX_MEMBERS, SHARE_INFO, OPENING_AAD
 *
 * @module envelope
 */
import { x25519 } from '../vendor/noble-curves/ed25519.js';
import { concatBytes, toBytes, toUint, uintBytes, utf8, wipe } from './bytes.js';
import { SECRET_SIZE, split } from './shamir.js';

export const VERSION = 1;
export const MAX_MEMBERS = 32;
export const SHARE_INFO = 'terang/bid-envelope/v1/share';
export const OPENING_AAD = 'terang/bid-envelope/v1';

const KEY_SIZE = 32;
const NONCE_SIZE = 12;
const TAG_SIZE = 16;
const HEADER_SIZE = 3 + KEY_SIZE;
const SHARE_CIPHERTEXT_SIZE = NONCE_SIZE + SECRET_SIZE + TAG_SIZE;

/**
 * The size of a version 1 envelope.
 * @param {number} members n
 * @param {number} openingSize the plaintext's length in bytes
 * @returns {number}
 */
export function envelopeSize(members, openingSize) {
  return HEADER_SIZE + SHARE_CIPHERTEXT_SIZE * members + NONCE_SIZE + openingSize + TAG_SIZE;
}

function subtle() {
  const api = globalThis.crypto?.subtle;
  if (!api) {
    throw new Error(
      'this page cannot seal a bid: WebCrypto needs a secure context (https or localhost)',
    );
  }
  return api;
}

function random(size) {
  return globalThis.crypto.getRandomValues(new Uint8Array(size));
}

/** AES-GCM encryption with a 128-bit tag: nonce || ciphertext || tag. */
async function encrypt(key, plaintext, additionalData) {
  const nonce = random(NONCE_SIZE);
  const params = { name: 'AES-GCM', iv: nonce, tagLength: TAG_SIZE * 8 };
  if (additionalData) params.additionalData = additionalData;
  const sealed = new Uint8Array(await subtle().encrypt(params, key, plaintext));
  return concatBytes(nonce, sealed);
}

/** key_i: an AES-256-GCM key derived with HKDF-SHA256 (no salt) from the X25519 shared secret. */
async function shareKey(shared, info) {
  const material = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt'],
  );
}

/**
 * Seals a bid's opening for the tender's Pokja (version 1 format, see the module comment).
 * @param {Uint8Array|string} opening the plaintext
 * @param {Uint8Array|string} tenderId 32 bytes
 * @param {bigint|number|string} supplierId 1 .. 2**64-1
 * @param {Array<Uint8Array|string>} memberPublicKeys raw 32-byte X25519 keys, Pokja order
 * @param {number} quorum k, 1 .. n
 * @returns {Promise<Uint8Array>} the envelope
 */
export async function seal(opening, tenderId, supplierId, memberPublicKeys, quorum) {
  const plaintext = toBytes(opening, undefined, 'opening');
  const tender = toBytes(tenderId, 32, 'tenderId');
  const supplier = toUint(supplierId, 64, 'supplierId');
  if (supplier === 0n) {
    throw new RangeError('supplierId must be a registered supplier id (1 .. 2**64-1)');
  }
  if (!Array.isArray(memberPublicKeys)) throw new TypeError('memberPublicKeys must be a list');
  const members = memberPublicKeys.length;
  if (members < 1 || members > MAX_MEMBERS) {
    throw new RangeError(`an envelope needs 1 to ${MAX_MEMBERS} members, got ${members}`);
  }
  if (!Number.isSafeInteger(quorum) || quorum < 1 || quorum > members) {
    throw new RangeError(`quorum must be 1 to ${members} (the number of members), got ${quorum}`);
  }
  const publics = memberPublicKeys.map(
    (key, i) => toBytes(key, KEY_SIZE, `member ${i + 1}'s public key`),
  );
  if (new Set(publics.map((key) => key.join(','))).size !== members) {
    throw new RangeError('member public keys must be distinct');
  }
  const api = subtle();
  const supplierBytes = uintBytes(supplier, 8);

  const ephemeral = random(KEY_SIZE);
  const key = random(SECRET_SIZE);
  let shares = [];
  try {
    const ePub = x25519.getPublicKey(ephemeral);
    shares = split(quorum, members, key);
    const parts = [Uint8Array.of(VERSION, quorum, members), ePub];
    for (const [index, share] of shares) {
      const publicKey = publics[index - 1];
      let shared;
      try {
        shared = x25519.getSharedSecret(ephemeral, publicKey);
      } catch {
        throw new RangeError(`member ${index}'s public key is not a usable X25519 key`);
      }
      const info = concatBytes(
        utf8(SHARE_INFO), tender, supplierBytes, Uint8Array.of(index), ePub, publicKey,
      );
      const cipherKey = await shareKey(shared, info);
      wipe(shared);
      parts.push(await encrypt(cipherKey, share, null));
    }
    const aad = concatBytes(
      utf8(OPENING_AAD), tender, supplierBytes, Uint8Array.of(quorum, members),
    );
    const openingKey = await api.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
    parts.push(await encrypt(openingKey, plaintext, aad));
    return concatBytes(...parts);
  } finally {
    wipe(ephemeral, key, plaintext, ...shares.map(([, share]) => share));
  }
}
