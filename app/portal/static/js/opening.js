/**
 * The plaintext a bid envelope (envelope.js) carries: the bid's opening, ABI-encoded byte for byte
 * as app/tenders/opening_codec.encode_opening does, so the Pokja quorum that opens the envelope can
 * pass the decoded fields to the contract, which checks them against the bid's commitment:
 *
 *   abi.encode(uint256 price, (bytes32 productId, uint16 shareBps)[] products, bytes32 salt,
 *              bytes32 bidBondRef)
 *
 * Only the ABI types are checked here (as in Python): a price 0 .. 2**256-1, shares 0 .. 65535,
 * 32-byte ids, salt and bond reference. Products are encoded in the order given; give them as the
 * commitment takes them (tenders.normaliseProducts, which bid.js does).
 *
 * API (bytes arguments: Uint8Array or hex; integers: bigint, safe number or decimal string)
 *   encodeOpening(price, products, salt, bidBondRef?) -> Uint8Array   bidBondRef zero if omitted
 *
 * @module opening
 */
import { encode } from './abi.js';
import { toBytes, toUint } from './bytes.js';

export const OPENING_TYPES = Object.freeze(['uint256', '(bytes32,uint16)[]', 'bytes32', 'bytes32']);

/**
 * abi.encode(uint256 price, (bytes32,uint16)[] products, bytes32 salt, bytes32 bidBondRef).
 * @param {bigint|number|string} price rupiah
 * @param {Array<[Uint8Array|string, (number|bigint|string)] | {productId, shareBps}>} products
 * @param {Uint8Array|string} salt 32 bytes
 * @param {Uint8Array|string} [bidBondRef] 32 bytes, zero when omitted
 * @returns {Uint8Array}
 */
export function encodeOpening(price, products, salt, bidBondRef = new Uint8Array(32)) {
  if (!Array.isArray(products)) throw new TypeError('products must be a list');
  const pairs = products.map((product, position) => {
    const pair = Array.isArray(product) ? product : [product?.productId, product?.shareBps];
    if (pair.length !== 2) {
      throw new TypeError(`product ${position} must be a (productId, shareBps) pair`);
    }
    return [
      toBytes(pair[0], 32, `product ${position}'s productId`),
      toUint(pair[1], 16, `product ${position}'s shareBps`),
    ];
  });
  return encode(OPENING_TYPES, [
    toUint(price, 256, 'price'),
    pairs,
    toBytes(salt, 32, 'salt'),
    toBytes(bidBondRef, 32, 'bidBondRef'),
  ]);
}
