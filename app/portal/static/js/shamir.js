/**
 * Shamir's secret sharing of a 16-byte secret (a bid envelope's AES-128 key) over GF(2^128),
 * exactly as pycryptodome's Crypto.Protocol.SecretSharing.Shamir makes and combines shares (without
 * its `ssss` option), so the gateway's Python (app/tenders/envelope.py) recovers a key split here:
 *
 *   - a field element is a 16-byte string read as a big-endian 128-bit integer whose bit i is the
 *     coefficient of x^i, reduced by the irreducible polynomial x^128 + x^7 + x^2 + x + 1;
 *   - split(k, n) draws k-1 random 16-byte coefficients c_1..c_{k-1} (in that order, each from
 *     crypto.getRandomValues) and evaluates p(x) = c_1 x^(k-1) + ... + c_{k-1} x + secret by
 *     Horner's method at x = 1..n (the share's index, the integer itself as a field element);
 *   - share i is [i, p(i) as 16 big-endian bytes]; with k = 1 every share is the secret itself.
 *
 * API
 *   split(k, n, secret)   -> Array<[index, Uint8Array(16)]>  indices 1..n, 1 <= k <= n <= 255
 *   combine(shares)       -> Uint8Array(16)   the secret from exactly k shares [index, value]
 *                                            (as Shamir.combine: more shares than k give garbage)
 *
 * The arithmetic uses BigInt, which is not constant time. The secret is a fresh per-envelope key
 * used once, in the bidder's own browser, so timing is not observable by anyone who could use it.
 *
 * @module shamir
 */
import { toBytes, uintBytes } from './bytes.js';

export const SECRET_SIZE = 16;
export const MAX_SHARES = 255;

const MASK128 = (1n << 128n) - 1n;
const TOP = 1n << 128n;
const REDUCTION = (1n << 7n) | (1n << 2n) | (1n << 1n) | 1n; // x^128 = x^7 + x^2 + x + 1

/** A 16-byte big-endian string as a field element. */
function element(bytes) {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** The product of two field elements: shift-and-add, reducing each time x^128 appears. */
function multiply(a, b) {
  let v = a;
  let f = b;
  let z = 0n;
  while (f) {
    if (f & 1n) z ^= v;
    v <<= 1n;
    if (v & TOP) v = (v ^ REDUCTION) & MASK128;
    f >>= 1n;
  }
  return z;
}

/** The inverse of a non-zero field element: a^(2^128 - 2). */
function inverse(a) {
  if (a === 0n) throw new RangeError('inversion of zero');
  // 2^128 - 2 = 0b111...110 (127 ones, then a zero): square and multiply from the top bit.
  let result = 1n;
  for (let bit = 127; bit >= 0; bit--) {
    result = multiply(result, result);
    if (bit !== 0) result = multiply(result, a);
  }
  return result;
}

function count(value, name, min, max) {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer ${min} .. ${max}, got ${value}`);
  }
  return value;
}

/**
 * Splits a 16-byte secret into n shares, any k of which recover it.
 * @param {number} k threshold, 1 <= k <= n
 * @param {number} n number of shares, at most MAX_SHARES
 * @param {Uint8Array|string} secret 16 bytes (or their hex)
 * @returns {Array<[number, Uint8Array]>} [index, 16-byte share] for index 1..n
 */
export function split(k, n, secret) {
  count(n, 'n', 1, MAX_SHARES);
  count(k, 'k', 1, n);
  const bytes = toBytes(secret, SECRET_SIZE, 'secret');
  const coefficients = [];
  for (let i = 0; i < k - 1; i++) {
    const random = globalThis.crypto.getRandomValues(new Uint8Array(SECRET_SIZE));
    coefficients.push(element(random));
    random.fill(0);
  }
  coefficients.push(element(bytes));
  bytes.fill(0);
  const shares = [];
  for (let index = 1; index <= n; index++) {
    const x = BigInt(index);
    let y = 0n;
    for (const c of coefficients) y = multiply(x, y) ^ c;
    shares.push([index, uintBytes(y, SECRET_SIZE)]);
  }
  return shares;
}

/**
 * Recovers the secret from exactly k shares (Lagrange interpolation at zero).
 * @param {Array<[number, Uint8Array|string]>} shares [index, 16-byte value], distinct indices
 * @returns {Uint8Array} the 16-byte secret
 */
export function combine(shares) {
  if (!Array.isArray(shares) || shares.length === 0) {
    throw new TypeError('shares must be a non-empty list');
  }
  const points = shares.map(([index, value]) => [
    BigInt(count(index, 'a share index', 1, MAX_SHARES)),
    element(toBytes(value, SECRET_SIZE, 'a share')),
  ]);
  if (new Set(points.map(([x]) => x)).size !== points.length) {
    throw new RangeError('duplicate share');
  }
  let result = 0n;
  for (const [xj, yj] of points) {
    let numerator = 1n;
    let denominator = 1n;
    for (const [xm] of points) {
      if (xm === xj) continue;
      numerator = multiply(numerator, xm);
      denominator = multiply(denominator, xj ^ xm);
    }
    result ^= multiply(yj, multiply(numerator, inverse(denominator)));
  }
  return uintBytes(result, SECRET_SIZE);
}
