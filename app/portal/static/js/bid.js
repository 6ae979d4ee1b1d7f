/**
 * A sealed bid made in the supplier's browser, in one call for the bid page: a fresh salt, the
 * commitment the contract checks at opening, the envelope that lets the Pokja quorum open the bid
 * if the supplier does not, and its hash. The price leaves the browser only inside the envelope;
 * the page sends { commitment, envelope, envelopeHash } with a signCommit signature (tenders.js)
 * and keeps `opening` (in the browser) for the supplier's own reveal.
 *
 * The commitment and the envelope's plaintext use the same products, normalised as the contract
 * takes them (tenders.normaliseProducts: ascending ids, shares 1..10,000 bps), so an envelope the
 * quorum opens passes the contract's check against the commitment.
 *
 * API (bytes arguments: Uint8Array or hex; integers: bigint, safe number or decimal string)
 *   sealBid({ocid | tenderId, supplierId, price, products, bidBondRef?, pokjaKeys, quorum})
 *     -> Promise<{tenderId, supplierId, salt, commitment, envelope, envelopeHash, opening}>
 *     pokjaKeys: the Pokja members' raw 32-byte X25519 public keys in Pokja order, quorum their k,
 *     both as the chain publishes them. Hex strings out ('0x'); supplierId a decimal string;
 *     opening = {tenderId, supplierId, price (decimal string), products [[id hex, bps], ...], salt,
 *     bidBondRef, commitment, envelopeHash}: plain JSON, everything the reveal needs. It holds
 *     the salt: keep it as secret as the price until the reveal.
 *
 * @module bid
 */
import { toBytes, toHex, toUint } from './bytes.js';
import { seal } from './envelope.js';
import { encodeOpening } from './opening.js';
import {
  ZERO32,
  commitment,
  envelopeHash,
  newSalt,
  normaliseProducts,
  tenderId as tenderIdOf,
} from './tenders.js';

/**
 * Seals a bid in the browser.
 * @param {{ocid?: string, tenderId?: Uint8Array|string, supplierId, price, products,
 *   bidBondRef?: Uint8Array|string, pokjaKeys: Array<Uint8Array|string>, quorum: number}} bid
 *   the tender by its ocid or its id (not both); bidBondRef zero when omitted
 * @returns {Promise<{tenderId: string, supplierId: string, salt: string, commitment: string,
 *   envelope: string, envelopeHash: string, opening: Object}>}
 */
export async function sealBid(bid) {
  const { ocid, supplierId, price, products, bidBondRef = ZERO32, pokjaKeys, quorum } = bid;
  if ((ocid === undefined) === (bid.tenderId === undefined)) {
    throw new TypeError('give the tender by its ocid or by its tenderId (one of them)');
  }
  const tender = ocid !== undefined
    ? tenderIdOf(ocid)
    : toHex(toBytes(bid.tenderId, 32, 'tenderId'));
  const supplier = toUint(supplierId, 64, 'supplierId');
  const amount = toUint(price, 256, 'price');
  const rows = normaliseProducts(products);
  const bond = toHex(toBytes(bidBondRef, 32, 'bidBondRef'));
  const salt = newSalt();
  // commitment() refuses a zero supplier id or price before anything is encrypted.
  const bidCommitment = commitment({
    tenderId: tender,
    supplierId: supplier,
    price: amount,
    products: rows,
    salt,
    bidBondRef: bond,
  });
  const plaintext = encodeOpening(amount, rows, salt, bond);
  const envelope = await seal(plaintext, tender, supplier, pokjaKeys, quorum);
  const digest = envelopeHash(envelope);
  return {
    tenderId: tender,
    supplierId: supplier.toString(),
    salt,
    commitment: bidCommitment,
    envelope: toHex(envelope),
    envelopeHash: digest,
    opening: {
      tenderId: tender,
      supplierId: supplier.toString(),
      price: amount.toString(),
      products: rows,
      salt,
      bidBondRef: bond,
      commitment: bidCommitment,
      envelopeHash: digest,
    },
  };
}
