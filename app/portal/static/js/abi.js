/**
 * The part of Solidity's ABI encoding (abi.encode) that the supplier's messages use: static types
 * (uintN, bytes32, address, bool, tuples of static types) and dynamic arrays of static types,
 * e.g. the bid commitment's (bytes32,uint16)[] products.
 *
 * API
 *   encode(types, values) -> Uint8Array   abi.encode(values...) for types such as
 *                                          ['bytes32', 'uint64', '(bytes32,uint16)[]']
 *
 * @module abi
 */
import { concatBytes, toBytes, toUint, uintBytes } from './bytes.js';
import { checksumAddress } from './keys.js';

const WORD = 32;

/** Splits a tuple's inner type list at its top-level commas. */
function tupleParts(inner) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '(') depth++;
    else if (inner[i] === ')') depth--;
    else if (inner[i] === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}

/** A static type's encoding, in place (no offsets). */
function encodeStatic(type, value) {
  if (type.startsWith('(') && type.endsWith(')')) {
    const parts = tupleParts(type.slice(1, -1));
    const items = Array.isArray(value) ? value : null;
    if (!items || items.length !== parts.length) {
      throw new TypeError(`${type} takes ${parts.length} values`);
    }
    return concatBytes(...parts.map((part, i) => encodeStatic(part, items[i])));
  }
  const uint = /^uint(\d+)$/.exec(type);
  if (uint) {
    const bits = Number(uint[1]);
    if (bits < 8 || bits > 256 || bits % 8 !== 0) throw new TypeError(`unknown type ${type}`);
    return uintBytes(toUint(value, bits, type), WORD);
  }
  if (type === 'bytes32') return toBytes(value, 32, 'bytes32');
  if (type === 'address') return uintBytes(BigInt(checksumAddress(value)), WORD);
  if (type === 'bool') return uintBytes(value ? 1n : 0n, WORD);
  throw new TypeError(`unsupported ABI type ${type}`);
}

/**
 * abi.encode for static types and dynamic arrays of static types.
 * @param {string[]} types
 * @param {Array} values one per type; a tuple's value is an array of its fields
 * @returns {Uint8Array}
 */
export function encode(types, values) {
  if (types.length !== values.length) throw new TypeError('one value per type');
  const heads = [];
  const tails = [];
  let headSize = 0;
  for (const type of types) headSize += type.endsWith('[]') ? WORD : encodedSize(type);
  let tailSize = 0;
  types.forEach((type, i) => {
    if (type.endsWith('[]')) {
      const element = type.slice(0, -2);
      const items = values[i];
      if (!Array.isArray(items)) throw new TypeError(`${type} takes an array`);
      const tail = concatBytes(
        uintBytes(BigInt(items.length), WORD),
        ...items.map((item) => encodeStatic(element, item)),
      );
      heads.push(uintBytes(BigInt(headSize + tailSize), WORD));
      tails.push(tail);
      tailSize += tail.length;
    } else {
      heads.push(encodeStatic(type, values[i]));
    }
  });
  return concatBytes(...heads, ...tails);
}

/** The size of a static type's encoding. */
function encodedSize(type) {
  if (type.startsWith('(')) {
    return tupleParts(type.slice(1, -1)).reduce((total, part) => total + encodedSize(part), 0);
  }
  if (type.includes('[')) throw new TypeError(`unsupported ABI type ${type}`);
  return WORD;
}
