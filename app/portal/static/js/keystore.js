/**
 * The supplier's key at rest: a Web3 Secret Storage (version 3) keystore, the JSON that geth,
 * eth-account and wallets read and write, made and opened in the browser. The password and the
 * private key never leave the page; the gateway at most stores the encrypted JSON.
 *
 *   derivedKey = scrypt(password, salt, n, r, p, dklen 32)       (pbkdf2-hmac-sha256 read too)
 *   ciphertext = AES-128-CTR(key derivedKey[0:16], iv)(privateKey)
 *   mac        = keccak256(derivedKey[16:32] || ciphertext)
 *
 * Scrypt runs in JavaScript (noble-hashes, vendored), yielding to the page every few milliseconds
 * so it stays responsive; AES-CTR and PBKDF2 run in WebCrypto (crypto.subtle), which browsers offer
 * on https pages (and localhost) only, as does Node 20+. The password is taken as its UTF-8 bytes
 * with no Unicode normalisation, as eth-account and geth take it.
 *
 * API (json: the keystore as JSON text or as the parsed object; privateKey: Uint8Array(32))
 *   createKeystore(password, options?)            -> Promise<{json, address}>  a new key, encrypted
 *   encryptKey(privateKey, password, options?)    -> Promise<{json, address}>
 *   unlock(json, password, options?)              -> Promise<Uint8Array>        the private key
 *   importKeystore(json, password, options?)      -> Promise<{json, address}>
 *       opens an existing keystore (any wallet's) and re-encrypts it with this module's scrypt
 *       parameters, under options.newPassword if given
 *   inspectKeystore(json)                         -> {address, kdf, n?, r?, p?, c?}  no password
 * options: {onProgress?(fraction 0..1), scrypt?: {n, r, p}} (scrypt: encryption only; tests and
 * special cases, the default is SCRYPT_PARAMS)
 *
 * Errors are KeystoreError with a stable `code`:
 *   wrong_password      the MAC does not match: wrong password (or a damaged keystore)
 *   weak_password       a new password shorter than MIN_PASSWORD_LENGTH characters
 *   malformed_keystore  not keystore JSON, or a field missing or of the wrong size
 *   unsupported_keystore  not version 3, or a cipher/KDF other than aes-128-ctr/scrypt/pbkdf2
 *   too_costly          KDF parameters beyond what a phone can derive (see MAX_* below)
 *   address_mismatch    the key opened but its address is not the one the keystore names
 *   no_webcrypto        crypto.subtle is missing (the page is not served over https)
 *
 * @module keystore
 */
import { scryptAsync } from '../vendor/noble-hashes/scrypt.js';
import { keccak_256 } from '../vendor/noble-hashes/sha3.js';
import { concatBytes, equalBytes, toBytes, toHex, utf8, wipe } from './bytes.js';
import { addressOf, importPrivateKey, newPrivateKey } from './keys.js';

/**
 * The scrypt parameters of keystores made here: n = 2**16, r = 8, p = 1, i.e. 64 MiB (128 * r * n
 * bytes) per derivation. geth's "standard" n = 2**18 asks 256 MiB, which risks the memory a phone
 * allows a tab; 2**16 keeps each password guess costly at a wait a supplier accepts before signing
 * (docs/decisions/0031-keys-in-the-browser.md has the measured times).
 */
export const SCRYPT_PARAMS = Object.freeze({ n: 2 ** 16, r: 8, p: 1, dklen: 32 });
export const MIN_PASSWORD_LENGTH = 8;
/** The most memory (128 * r * n bytes) a keystore's scrypt may ask for: geth's standard's. */
export const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
/** The most work (n * r * p) an imported keystore's scrypt may ask for: geth's standard. */
export const MAX_SCRYPT_WORK = 2 ** 21;
/** The most PBKDF2 rounds an imported keystore may ask for (eth-account's default is 1,000,000). */
export const MAX_PBKDF2_ROUNDS = 10_000_000;

/** A keystore that cannot be made or opened; `code` says why (see the module's list). */
export class KeystoreError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'KeystoreError';
    this.code = code;
  }
}

function fail(code, message) {
  throw new KeystoreError(code, message);
}

function subtle() {
  const api = globalThis.crypto && globalThis.crypto.subtle;
  if (!api) fail('no_webcrypto', 'this page needs a secure (https) connection to use keys');
  return api;
}

function malformed(what) {
  return new KeystoreError('malformed_keystore', `not a usable keystore: ${what}`);
}

/** A hex field of the keystore, checked for its length. */
function hexField(value, name, length) {
  if (typeof value !== 'string') throw malformed(`${name} is missing`);
  try {
    return toBytes(value, length, name);
  } catch {
    throw malformed(`${name} is not ${length ? `${length} bytes of ` : ''}hex`);
  }
}

function isCount(value) {
  return Number.isSafeInteger(value) && value > 0;
}

/** Scrypt parameters a browser can derive: n a power of two, within the memory and work caps. */
function checkScrypt({ n, r, p }) {
  if (!isCount(n) || n < 2 || (n & (n - 1)) !== 0 || !isCount(r) || !isCount(p)) {
    throw malformed('scrypt n must be a power of two, r and p positive');
  }
  if (128 * r * n > MAX_SCRYPT_MEMORY || n * r * p > MAX_SCRYPT_WORK) {
    fail('too_costly', 'these scrypt parameters ask for more than a browser can do');
  }
}

/**
 * The keystore, parsed and checked without the password.
 * @returns {{address: (string|null), iv: Uint8Array, ciphertext: Uint8Array, mac: Uint8Array,
 *   kdf: string, salt: Uint8Array, params: Object}}
 */
function parse(json) {
  let doc = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch {
      throw malformed('not JSON');
    }
  }
  if (!doc || typeof doc !== 'object') throw malformed('not a JSON object');
  if (doc.version !== 3) fail('unsupported_keystore', 'only version 3 keystores are supported');
  const crypto = doc.crypto || doc.Crypto;
  if (!crypto || typeof crypto !== 'object') throw malformed('crypto is missing');
  if (crypto.cipher !== 'aes-128-ctr') {
    fail('unsupported_keystore', `cipher ${crypto.cipher} is not supported (aes-128-ctr is)`);
  }
  const params = crypto.kdfparams;
  if (!params || typeof params !== 'object') throw malformed('kdfparams is missing');
  if (params.dklen !== 32) fail('unsupported_keystore', 'the derived key must be 32 bytes');
  if (crypto.kdf === 'scrypt') {
    checkScrypt(params);
  } else if (crypto.kdf === 'pbkdf2') {
    if (params.prf !== 'hmac-sha256') fail('unsupported_keystore', 'pbkdf2 must use hmac-sha256');
    if (!isCount(params.c)) throw malformed('pbkdf2 c must be a positive count');
    if (params.c > MAX_PBKDF2_ROUNDS) {
      fail('too_costly', 'this keystore asks for more pbkdf2 rounds than a browser can do');
    }
  } else {
    fail('unsupported_keystore', `kdf ${crypto.kdf} is not supported (scrypt and pbkdf2 are)`);
  }
  let address = null;
  if (doc.address !== undefined) {
    if (typeof doc.address !== 'string' || !/^(0x)?[0-9a-fA-F]{40}$/.test(doc.address)) {
      throw malformed('address is not 40 hex digits');
    }
    address = '0x' + doc.address.replace(/^0x/, '').toLowerCase();
  }
  return {
    address,
    iv: hexField(crypto.cipherparams && crypto.cipherparams.iv, 'iv', 16),
    ciphertext: hexField(crypto.ciphertext, 'ciphertext', 32),
    mac: hexField(crypto.mac, 'mac', 32),
    kdf: crypto.kdf,
    salt: hexField(params.salt, 'salt'),
    params,
  };
}

/** The 32-byte derived key of `password` under the keystore's KDF. */
async function deriveKey(kdf, password, salt, params, onProgress) {
  const secret = utf8(password);
  try {
    if (kdf === 'scrypt') {
      const { n, r, p } = params;
      return await scryptAsync(secret, salt, {
        N: n, r, p, dkLen: 32, maxmem: 128 * r * (n + p), onProgress,
      });
    }
    const api = subtle();
    const base = await api.importKey('raw', secret, 'PBKDF2', false, ['deriveBits']);
    const pbkdf2 = { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: params.c };
    const bits = await api.deriveBits(pbkdf2, base, 256);
    if (onProgress) onProgress(1);
    return new Uint8Array(bits);
  } finally {
    wipe(secret);
  }
}

/** AES-128-CTR with a 128-bit big-endian counter starting at `iv` (its own inverse). */
async function aes128ctr(key16, iv, data) {
  const api = subtle();
  const key = await api.importKey('raw', key16, { name: 'AES-CTR' }, false, ['encrypt']);
  const ctr = { name: 'AES-CTR', counter: iv, length: 128 };
  return new Uint8Array(await api.encrypt(ctr, key, data));
}

function mac(derived, ciphertext) {
  return keccak_256(concatBytes(derived.subarray(16, 32), ciphertext));
}

/** A random (version 4) UUID for the keystore's id. */
function uuid4() {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = toHex(b).slice(2);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Encrypts a private key under `password` into a version 3 keystore.
 * @param {Uint8Array|string} privateKey
 * @param {string} password at least MIN_PASSWORD_LENGTH characters
 * @param {{onProgress?: function(number), scrypt?: {n: number, r: number, p: number}}} [options]
 * @returns {Promise<{json: string, address: string}>} address EIP-55 checksummed
 */
export async function encryptKey(privateKey, password, options = {}) {
  if (typeof password !== 'string' || [...password].length < MIN_PASSWORD_LENGTH) {
    fail('weak_password', `a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const { n, r, p } = { ...SCRYPT_PARAMS, ...(options.scrypt || {}) };
  checkScrypt({ n, r, p });
  const key = importPrivateKey(privateKey);
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(16));
  let derived;
  try {
    const address = addressOf(key);
    const params = { dklen: 32, n, p, r, salt: toHex(salt).slice(2) };
    derived = await deriveKey('scrypt', password, salt, { n, r, p }, options.onProgress);
    const ciphertext = await aes128ctr(derived.subarray(0, 16), iv, key);
    const doc = {
      address: address.slice(2).toLowerCase(),
      crypto: {
        cipher: 'aes-128-ctr',
        cipherparams: { iv: toHex(iv).slice(2) },
        ciphertext: toHex(ciphertext).slice(2),
        kdf: 'scrypt',
        kdfparams: params,
        mac: toHex(mac(derived, ciphertext)).slice(2),
      },
      id: uuid4(),
      version: 3,
    };
    return { json: JSON.stringify(doc), address };
  } finally {
    wipe(key, derived);
  }
}

/**
 * A new private key from the platform's CSPRNG, encrypted under `password`. The key itself is not
 * returned: unlock the keystore to sign.
 * @param {string} password
 * @param {{onProgress?: function(number), scrypt?: {n: number, r: number, p: number}}} [options]
 * @returns {Promise<{json: string, address: string}>}
 */
export async function createKeystore(password, options = {}) {
  const key = newPrivateKey();
  try {
    return await encryptKey(key, password, options);
  } finally {
    wipe(key);
  }
}

/**
 * Opens a keystore with its password.
 * @param {string|Object} json
 * @param {string} password
 * @param {{onProgress?: function(number)}} [options]
 * @returns {Promise<Uint8Array>} the private key (wipe it when done)
 */
export async function unlock(json, password, options = {}) {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  const store = parse(json);
  const { kdf, salt, params } = store;
  const derived = await deriveKey(kdf, password, salt, params, options.onProgress);
  try {
    if (!equalBytes(mac(derived, store.ciphertext), store.mac)) {
      fail('wrong_password', 'the password does not open this keystore');
    }
    const key = await aes128ctr(derived.subarray(0, 16), store.iv, store.ciphertext);
    let address;
    try {
      address = addressOf(key);
    } catch {
      wipe(key);
      throw malformed('the decrypted key is not a valid secp256k1 key');
    }
    if (store.address !== null && address.toLowerCase() !== store.address) {
      wipe(key);
      fail('address_mismatch', 'the key does not belong to the address the keystore names');
    }
    return key;
  } finally {
    wipe(derived);
  }
}

/**
 * Opens an existing keystore (from a wallet, geth or eth-account) and re-encrypts its key with this
 * module's scrypt parameters, so the portal unlocks it at a known cost.
 * @param {string|Object} json
 * @param {string} password the keystore's password
 * @param {{newPassword?: string, onProgress?: function(number), scrypt?: Object}} [options]
 *   onProgress runs from 0 to 1 over the opening, then again over the re-encryption
 * @returns {Promise<{json: string, address: string}>}
 */
export async function importKeystore(json, password, options = {}) {
  const key = await unlock(json, password, { onProgress: options.onProgress });
  try {
    const newPassword = options.newPassword === undefined ? password : options.newPassword;
    const { onProgress, scrypt } = options;
    return await encryptKey(key, newPassword, { onProgress, scrypt });
  } finally {
    wipe(key);
  }
}

/**
 * What a keystore says about itself, without the password (to show before asking for it).
 * @param {string|Object} json
 * @returns {{address: (string|null), kdf: string, n?: number, r?: number, p?: number, c?: number}}
 *   address lowercase '0x' hex as the keystore names it, or null if it names none
 */
export function inspectKeystore(json) {
  const store = parse(json);
  const { n, r, p, c } = store.params;
  const { address, kdf } = store;
  return kdf === 'scrypt' ? { address, kdf, n, r, p } : { address, kdf, c };
}
