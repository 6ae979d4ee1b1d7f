/**
 * The Tenders contract's supplier messages, computed and signed in the browser so the supplier's
 * key never leaves it: tender ids, sealed-bid commitments, and the EIP-712 signed CommitBid,
 * RevealBid, FileObjection (sanggah) and FileAppeal (sanggah banding) that the gateway relays.
 * Mirrors app/protocol/bids.py, against which tests/gateway/test_portal_signatures.py checks it.
 *
 *   commitment = keccak256(abi.encode(bytes32 tenderId, uint64 supplierId, uint256 price,
 *                        (bytes32,uint16)[] products, bytes32 salt, bytes32 bidBondRef))
 *
 * Keep the salt secret until the reveal: with it, anyone can test guesses of the price. Never ask a
 * node to compute a commitment (an eth_call would leak the bid).
 *
 * API (bytes arguments: Uint8Array or hex; integers: bigint, safe number or decimal string;
 * hashes returned as '0x' hex)
 *   tenderId(ocid)                              -> hex  keccak256 of the ocid's UTF-8 bytes
 *   normaliseProducts(products)                 -> [[productId hex, shareBps], ...] sorted by id
 *   commitment({tenderId, supplierId, price, products, salt, bidBondRef?}) -> hex
 *   sealedBid(commitment, commitSeq, envelopeHash)                         -> hex
 *   envelopeHash(envelope)                      -> hex
 *   newSalt()                                   -> hex  32 random bytes
 *   fields(primaryType)                         -> [{name, type}, ...]
 *   digest(primaryType, {chainId, verifyingContract, supplier, tenderId, nonce, deadline, ...own})
 *                                               -> hex
 *   signCommit(privateKey, {chainId, verifyingContract, tenderId, commitment, envelopeHash,
 *              replaces?, nonce, deadline})    -> {supplier, signature, digest}
 *   signReveal(privateKey, {chainId, verifyingContract, tenderId, commitment, nonce, deadline})
 *   signObjection(privateKey, {chainId, verifyingContract, tenderId, evidenceHash, nonce,
 *                 deadline})
 *   signAppeal(privateKey, {chainId, verifyingContract, tenderId, objectionId, bondRef, nonce,
 *              deadline})
 * A product is [productId, shareBps] or {productId, shareBps}. `nonce` is Tenders.nonces(supplier),
 * `deadline` unix seconds; `replaces` the supplier's sealed bid in the tender now (zero, the
 * default, before its first commit). A signer refuses a field its type does not sign, and checks
 * that the signature recovers to its own address before returning: `supplier` is that address
 * (EIP-55), `signature` 65 bytes r || s || v in hex, `digest` what was signed.
 *
 * @module tenders
 */
import { keccak_256 } from '../vendor/noble-hashes/sha3.js';
import { encode } from './abi.js';
import { toBytes, toHex, toUint, utf8 } from './bytes.js';
import { typedDataDigest } from './eip712.js';
import { addressOf, checksumAddress } from './keys.js';
import { recoverAddress, signDigest } from './signing.js';

export const DOMAIN_NAME = 'Terang Tenders';
export const DOMAIN_VERSION = '1';
export const ZERO32 = toHex(new Uint8Array(32));

export const COMMIT_TYPE = 'CommitBid';
export const REVEAL_TYPE = 'RevealBid';
export const OBJECTION_TYPE = 'FileObjection';
export const APPEAL_TYPE = 'FileAppeal';

// Each message type's own fields, between (supplier, tenderId) and (nonce, deadline), in the order
// of the contract's type hash.
const OWN_FIELDS = Object.freeze({
  [COMMIT_TYPE]: [['commitment', 'bytes32'], ['envelopeHash', 'bytes32'], ['replaces', 'bytes32']],
  [REVEAL_TYPE]: [['commitment', 'bytes32']],
  [OBJECTION_TYPE]: [['evidenceHash', 'bytes32']],
  [APPEAL_TYPE]: [['objectionId', 'uint16'], ['bondRef', 'bytes32']],
});

export const PRIMARY_TYPES = Object.freeze(Object.keys(OWN_FIELDS));

const MAX_BPS = 10_000n;

/**
 * The EIP-712 fields of a primary type, in the order of the contract's type hash.
 * @param {string} primaryType one of PRIMARY_TYPES
 * @returns {{name: string, type: string}[]}
 */
export function fields(primaryType) {
  const own = OWN_FIELDS[primaryType];
  if (!own) throw new TypeError(`unknown message type ${primaryType}`);
  return [
    { name: 'supplier', type: 'address' },
    { name: 'tenderId', type: 'bytes32' },
    ...own.map(([name, type]) => ({ name, type })),
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ];
}

/**
 * The tender id of an OCDS ocid: keccak256 of its UTF-8 bytes.
 * @param {string} ocid
 * @returns {string} hex
 */
export function tenderId(ocid) {
  if (typeof ocid !== 'string' || ocid === '') throw new TypeError('ocid must not be empty');
  return toHex(keccak_256(utf8(ocid)));
}

/** @returns {string} a fresh 32-byte secret salt, hex */
export function newSalt() {
  return toHex(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

/** Byte-wise order of two equal-length arrays, as Python orders bytes. */
function compareBytes(a, b) {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * Products as the contract takes them: 32-byte ids in ascending order (the input may be in any
 * order), each id once, each share 1..10,000 basis points, together at most 10,000 (the rest of the
 * value is uncertified content, TKDN 0). The same rules as bids.normalise_products.
 * @param {Array<[Uint8Array|string, (number|bigint|string)] | {productId, shareBps}>} products
 * @returns {Array<[string, number]>} [productId hex, shareBps]
 */
export function normaliseProducts(products) {
  if (!Array.isArray(products)) throw new TypeError('products must be a list');
  const rows = products.map((product) => {
    const [id, share] = Array.isArray(product) ? product : [product.productId, product.shareBps];
    return [toBytes(id, 32, 'productId'), toUint(share, 256, 'shareBps')];
  });
  rows.sort((a, b) => compareBytes(a[0], b[0]));
  for (let i = 1; i < rows.length; i++) {
    if (compareBytes(rows[i - 1][0], rows[i][0]) === 0) {
      throw new RangeError('each product may be listed once');
    }
  }
  if (rows.some(([, share]) => share < 1n || share > MAX_BPS)) {
    throw new RangeError("each product's share must be between 1 and 10,000 basis points");
  }
  if (rows.reduce((total, [, share]) => total + share, 0n) > MAX_BPS) {
    throw new RangeError('product shares must sum to at most 10,000 basis points');
  }
  return rows.map(([id, share]) => [toHex(id), Number(share)]);
}

/**
 * The sealed bid's commitment, exactly as Tenders recomputes it at opening.
 * @param {{tenderId, supplierId, price, products, salt, bidBondRef}} bid supplierId 1..2**64-1,
 *   price in rupiah (> 0), bidBondRef zero when omitted
 * @returns {string} hex
 */
export function commitment(bid) {
  const { tenderId: tender, supplierId, price, products, salt, bidBondRef = ZERO32 } = bid;
  const supplier = toUint(supplierId, 64, 'supplierId');
  if (supplier === 0n) {
    throw new RangeError('supplierId must be a registered supplier id (1 .. 2**64-1)');
  }
  const amount = toUint(price, 256, 'price');
  if (amount === 0n) throw new RangeError('price must be a positive integer (rupiah)');
  const encoded = encode(
    ['bytes32', 'uint64', 'uint256', '(bytes32,uint16)[]', 'bytes32', 'bytes32'],
    [
      toBytes(tender, 32, 'tenderId'),
      supplier,
      amount,
      normaliseProducts(products),
      toBytes(salt, 32, 'salt'),
      toBytes(bidBondRef, 32, 'bidBondRef'),
    ],
  );
  return toHex(keccak_256(encoded));
}

/**
 * keccak256 of a commit's envelope, as the contract binds it into the sealed bid.
 * @param {Uint8Array|string} envelope
 * @returns {string} hex
 */
export function envelopeHash(envelope) {
  return toHex(keccak_256(toBytes(envelope, undefined, 'envelope')));
}

/**
 * What the contract stores: keccak256(abi.encode(commitment, uint32 commitSeq, envelopeHash)).
 * @param {Uint8Array|string} bidCommitment
 * @param {bigint|number|string} commitSeq the commit's sequence number in the tender
 * @param {Uint8Array|string} envelopeDigest envelopeHash(envelope)
 * @returns {string} hex
 */
export function sealedBid(bidCommitment, commitSeq, envelopeDigest) {
  const types = ['bytes32', 'uint32', 'bytes32'];
  const encoded = encode(types, [bidCommitment, commitSeq, envelopeDigest]);
  return toHex(keccak_256(encoded));
}

/** The message of `primaryType`, checked: its fields and no others, each in its type. */
function message(primaryType, supplier, values) {
  const own = OWN_FIELDS[primaryType];
  if (!own) throw new TypeError(`unknown message type ${primaryType}`);
  const known = new Set(['tenderId', 'nonce', 'deadline', ...own.map(([name]) => name)]);
  for (const key of Object.keys(values)) {
    if (!known.has(key)) throw new TypeError(`${primaryType} does not sign ${key}`);
  }
  const out = {
    supplier: checksumAddress(supplier),
    tenderId: toHex(toBytes(values.tenderId, 32, 'tenderId')),
  };
  for (const [name, type] of own) {
    if (values[name] === undefined) throw new TypeError(`${primaryType} signs ${name}`);
    out[name] = type === 'bytes32'
      ? toHex(toBytes(values[name], 32, name))
      : toUint(values[name], 16, name);
  }
  out.nonce = toUint(values.nonce, 256, 'nonce');
  out.deadline = toUint(values.deadline, 256, 'deadline');
  return out;
}

/**
 * The EIP-712 digest the contract recovers the signer from (as bids.digest).
 * @param {string} primaryType
 * @param {Object} values chainId, verifyingContract, supplier, tenderId, nonce, deadline and the
 *   type's own fields (commitment, envelopeHash, replaces, evidenceHash, objectionId, bondRef)
 * @returns {string} hex
 */
export function digest(primaryType, values) {
  const { chainId, verifyingContract, supplier, ...rest } = values;
  const domain = { name: DOMAIN_NAME, version: DOMAIN_VERSION, chainId, verifyingContract };
  const signed = message(primaryType, supplier, rest);
  return toHex(typedDataDigest(domain, primaryType, fields(primaryType), signed));
}

/** Signs a message of `primaryType` and checks the signature recovers to the signer. */
function sign(primaryType, privateKey, values) {
  const supplier = addressOf(privateKey);
  const hash = digest(primaryType, { ...values, supplier });
  const signature = signDigest(privateKey, hash);
  if (recoverAddress(hash, signature) !== supplier) {
    throw new Error('the signature does not recover to the signing key (not sent)');
  }
  return { supplier, signature: toHex(signature), digest: hash };
}

/**
 * Signs CommitBid(address supplier, bytes32 tenderId, bytes32 commitment, bytes32 envelopeHash,
 * bytes32 replaces, uint256 nonce, uint256 deadline).
 * @param {Uint8Array|string} privateKey
 * @param {{chainId, verifyingContract, tenderId, commitment, envelopeHash, replaces?, nonce,
 *   deadline}} values replaces: the sealed bid this commit replaces, zero (the default) for the
 *   supplier's first commit in the tender
 * @returns {{supplier: string, signature: string, digest: string}}
 */
export function signCommit(privateKey, values) {
  return sign(COMMIT_TYPE, privateKey, { ...values, replaces: values.replaces ?? ZERO32 });
}

/**
 * Signs RevealBid(address supplier, bytes32 tenderId, bytes32 commitment, uint256 nonce,
 * uint256 deadline); the commitment binds the opening the relayer sends.
 * @param {Uint8Array|string} privateKey
 * @param {{chainId, verifyingContract, tenderId, commitment, nonce, deadline}} values
 * @returns {{supplier: string, signature: string, digest: string}}
 */
export function signReveal(privateKey, values) {
  return sign(REVEAL_TYPE, privateKey, values);
}

/**
 * Signs FileObjection(address supplier, bytes32 tenderId, bytes32 evidenceHash, uint256 nonce,
 * uint256 deadline): a losing bidder's sanggah, evidenceHash the hash of its objection letter.
 * @param {Uint8Array|string} privateKey
 * @param {{chainId, verifyingContract, tenderId, evidenceHash, nonce, deadline}} values
 * @returns {{supplier: string, signature: string, digest: string}}
 */
export function signObjection(privateKey, values) {
  return sign(OBJECTION_TYPE, privateKey, values);
}

/**
 * Signs FileAppeal(address supplier, bytes32 tenderId, uint16 objectionId, bytes32 bondRef,
 * uint256 nonce, uint256 deadline): an objector's sanggah banding, bondRef the hash of its appeal
 * bond document.
 * @param {Uint8Array|string} privateKey
 * @param {{chainId, verifyingContract, tenderId, objectionId, bondRef, nonce, deadline}} values
 *   objectionId: the objection's number, 1..65535
 * @returns {{supplier: string, signature: string, digest: string}}
 */
export function signAppeal(privateKey, values) {
  if (toUint(values.objectionId, 16, 'objectionId') === 0n) {
    throw new RangeError("objectionId must be an objection's number (1 .. 65535)");
  }
  return sign(APPEAL_TYPE, privateKey, values);
}
