/**
 * EIP-712 hashing for flat structs (fields of atomic types, string and bytes), which is every
 * message the suite's contracts take by signature, and the domain (name, version, chainId,
 * verifyingContract) each of them binds to.
 *
 * API (a field list is [{name, type}, ...] in the order of the contract's type hash)
 *   typeString(primaryType, fields)                    -> string  'Name(type name,...)'
 *   hashStruct(primaryType, fields, message)           -> Uint8Array(32)
 *   domainSeparator({name, version, chainId, verifyingContract}) -> Uint8Array(32)
 *   typedDataDigest(domain, primaryType, fields, message)        -> Uint8Array(32)
 *       keccak256(0x1901 || domainSeparator || hashStruct), what the signer signs
 *
 * @module eip712
 */
import { keccak_256 } from '../vendor/noble-hashes/sha3.js';
import { concatBytes, toBytes, toUint, uintBytes, utf8 } from './bytes.js';
import { checksumAddress } from './keys.js';

export const DOMAIN_FIELDS = Object.freeze([
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
]);

/**
 * @param {string} primaryType
 * @param {{name: string, type: string}[]} fields
 * @returns {string} e.g. 'RevealBid(address supplier,bytes32 tenderId,...)'
 */
export function typeString(primaryType, fields) {
  return `${primaryType}(${fields.map((f) => `${f.type} ${f.name}`).join(',')})`;
}

/** One field's 32-byte encoding (EIP-712 encodeData for atomic and dynamic types). */
function encodeField(type, value, name) {
  if (type === 'string') return keccak_256(utf8(value));
  if (type === 'bytes') return keccak_256(toBytes(value, undefined, name));
  if (type === 'address') return uintBytes(BigInt(checksumAddress(value)), 32);
  if (type === 'bool') {
    if (typeof value !== 'boolean') throw new TypeError(`${name} must be true or false`);
    return uintBytes(value ? 1n : 0n, 32);
  }
  const uint = /^uint(\d+)$/.exec(type);
  if (uint) return uintBytes(toUint(value, Number(uint[1]), name), 32);
  const fixed = /^bytes(\d+)$/.exec(type);
  if (fixed) {
    const length = Number(fixed[1]);
    const out = new Uint8Array(32);
    out.set(toBytes(value, length, name));
    return out;
  }
  throw new TypeError(`unsupported EIP-712 type ${type} (${name})`);
}

/**
 * hashStruct(message) = keccak256(typeHash || encodeData(message)).
 * @param {string} primaryType
 * @param {{name: string, type: string}[]} fields
 * @param {Object<string, *>} message a value for every field, and nothing else
 * @returns {Uint8Array}
 */
export function hashStruct(primaryType, fields, message) {
  const names = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(message)) {
    if (!names.has(key)) throw new TypeError(`${primaryType} has no field ${key}`);
  }
  const encoded = fields.map((f) => {
    if (message[f.name] === undefined || message[f.name] === null) {
      throw new TypeError(`${primaryType}.${f.name} is missing`);
    }
    return encodeField(f.type, message[f.name], `${primaryType}.${f.name}`);
  });
  return keccak_256(concatBytes(keccak_256(utf8(typeString(primaryType, fields))), ...encoded));
}

/**
 * @typedef {{name: string, version: string, chainId: (bigint|number|string),
 *   verifyingContract: string}} Domain
 */

/**
 * @param {Domain} domain
 * @returns {Uint8Array}
 */
export function domainSeparator(domain) {
  const { name, version, chainId, verifyingContract } = domain;
  return hashStruct('EIP712Domain', DOMAIN_FIELDS, { name, version, chainId, verifyingContract });
}

/**
 * The digest a signer signs and the contract recovers from.
 * @param {Domain} domain
 * @param {string} primaryType
 * @param {{name: string, type: string}[]} fields
 * @param {Object<string, *>} message
 * @returns {Uint8Array}
 */
export function typedDataDigest(domain, primaryType, fields, message) {
  const struct = hashStruct(primaryType, fields, message);
  return keccak_256(concatBytes(Uint8Array.of(0x19, 0x01), domainSeparator(domain), struct));
}
