/**
 * Bytes, hex and integers as the portal's signing library takes them: checked at the edge, so a
 * malformed value fails with a message instead of being signed.
 *
 * API
 *   toBytes(value, length?, name?)  -> Uint8Array   from a Uint8Array or hex ('0x' optional)
 *   toHex(bytes)                    -> string       '0x'-prefixed lowercase hex
 *   concatBytes(...arrays)          -> Uint8Array
 *   utf8(text)                      -> Uint8Array   the UTF-8 bytes of a string (no normalisation)
 *   toUint(value, bits, name?)      -> bigint       from a bigint, a safe integer or a decimal or
 *                                                   '0x' hex string, checked to fit in `bits` bits
 *   uintBytes(value, length)        -> Uint8Array   big-endian, left-padded to `length` bytes
 *   equalBytes(a, b)                -> boolean      in time independent of where they differ
 *   wipe(...arrays)                 -> void         overwrite secrets with zeros (best effort)
 *
 * @module bytes
 */

const HEX = /^(0x)?([0-9a-fA-F]{2})*$/;

/**
 * A byte array from bytes or hex.
 * @param {Uint8Array|string} value bytes, or hex with or without '0x'
 * @param {number} [length] the exact length required, if any
 * @param {string} [name] what the value is, for the error message
 * @returns {Uint8Array} a copy, never the caller's array
 */
export function toBytes(value, length, name = 'value') {
  let bytes;
  if (value instanceof Uint8Array) {
    bytes = Uint8Array.from(value);
  } else if (typeof value === 'string' && HEX.test(value)) {
    const hex = value.startsWith('0x') ? value.slice(2) : value;
    bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  } else {
    throw new TypeError(`${name} must be bytes or a hex string`);
  }
  if (length !== undefined && bytes.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/**
 * @param {Uint8Array} bytes
 * @returns {string} '0x'-prefixed lowercase hex
 */
export function toHex(bytes) {
  let hex = '0x';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * @param {...Uint8Array} arrays
 * @returns {Uint8Array}
 */
export function concatBytes(...arrays) {
  const out = new Uint8Array(arrays.reduce((total, a) => total + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/**
 * The UTF-8 bytes of `text`, as eth-account and geth take a password or an OCDS id: no Unicode
 * normalisation, so the same keystore opens with the same keystrokes everywhere.
 * @param {string} text
 * @returns {Uint8Array}
 */
export function utf8(text) {
  if (typeof text !== 'string') throw new TypeError('expected a string');
  return new TextEncoder().encode(text);
}

/**
 * An unsigned integer that fits in `bits` bits.
 * @param {bigint|number|string} value a bigint, a safe integer, or a decimal or '0x' hex string
 * @param {number} bits
 * @param {string} [name] what the value is, for the error message
 * @returns {bigint}
 */
export function toUint(value, bits, name = 'value') {
  let n;
  if (typeof value === 'bigint') {
    n = value;
  } else if (typeof value === 'number' && Number.isSafeInteger(value)) {
    n = BigInt(value);
  } else if (typeof value === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(value)) {
    n = BigInt(value);
  } else {
    throw new TypeError(`${name} must be an integer (bigint, safe number or string)`);
  }
  if (n < 0n || n >= 1n << BigInt(bits)) {
    throw new RangeError(`${name} must be between 0 and 2**${bits}-1`);
  }
  return n;
}

/**
 * @param {bigint} value a non-negative integer below 2**(8*length)
 * @param {number} length
 * @returns {Uint8Array} big-endian, left-padded with zeros
 */
export function uintBytes(value, length) {
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  if (rest !== 0n) throw new RangeError(`integer does not fit in ${length} bytes`);
  return out;
}

/**
 * Equality that reads every byte whatever the first difference (for MACs).
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {boolean}
 */
export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * Overwrites secrets (derived keys, private keys no longer needed) with zeros. JavaScript may have
 * copied them elsewhere; this only shortens the life of the copies we hold.
 * @param {...(Uint8Array|undefined)} arrays
 */
export function wipe(...arrays) {
  for (const a of arrays) if (a) a.fill(0);
}
