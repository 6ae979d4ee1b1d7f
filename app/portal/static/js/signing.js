/**
 * Signs a 32-byte digest the way eth-account does, and recovers the signer from a signature:
 * secp256k1 ECDSA with RFC 6979 deterministic nonces and low s, written r || s || v (65 bytes,
 * v = 27 or 28), which is what the contracts' ECDSA.recover takes.
 *
 * API
 *   signDigest(privateKey, digest)      -> Uint8Array(65)  r || s || v
 *   recoverAddress(digest, signature)   -> string          the signer's checksummed address
 *
 * @module signing
 */
import { secp256k1 } from '../vendor/noble-curves/secp256k1.js';
import { concatBytes, toBytes } from './bytes.js';
import { addressOfPublicKey, importPrivateKey } from './keys.js';

// Half the curve order: a signature with a larger s is malleable and the contracts refuse it.
const HALF_N = secp256k1.Point.CURVE().n >> 1n;

/**
 * @param {Uint8Array|string} privateKey
 * @param {Uint8Array|string} digest 32 bytes (an EIP-712 digest); it is signed as is, not hashed
 * @returns {Uint8Array} 65 bytes, r || s || v with v = 27 + recovery id
 */
export function signDigest(privateKey, digest) {
  const key = importPrivateKey(privateKey);
  try {
    const recovered = secp256k1.sign(toBytes(digest, 32, 'digest'), key, {
      prehash: false,
      lowS: true,
      extraEntropy: false,
      format: 'recovered',
    });
    // noble writes recovery id || r || s; ids 2 and 3 (r above n) cannot be expressed with v.
    if (recovered[0] > 1) throw new Error('unusable signature (recovery id above 1)');
    return concatBytes(recovered.subarray(1), Uint8Array.of(27 + recovered[0]));
  } finally {
    key.fill(0);
  }
}

/**
 * The address that signed `digest`, as the contracts' ECDSA.recover finds it: high-s signatures
 * and v other than 27/28 (0/1 accepted too) are refused.
 * @param {Uint8Array|string} digest 32 bytes
 * @param {Uint8Array|string} signature 65 bytes, r || s || v
 * @returns {string} EIP-55 checksummed address
 */
export function recoverAddress(digest, signature) {
  const sig = toBytes(signature, 65, 'signature');
  const v = sig[64] >= 27 ? sig[64] - 27 : sig[64];
  if (v !== 0 && v !== 1) throw new RangeError('signature v must be 27 or 28');
  let s = 0n;
  for (const byte of sig.subarray(32, 64)) s = (s << 8n) | BigInt(byte);
  if (s > HALF_N) throw new RangeError('signature s is in the upper half of the order');
  const compressed = secp256k1.recoverPublicKey(
    concatBytes(Uint8Array.of(v), sig.subarray(0, 64)),
    toBytes(digest, 32, 'digest'),
    { prehash: false },
  );
  return addressOfPublicKey(secp256k1.Point.fromBytes(compressed).toBytes(false));
}
