/**
 * The portal's in-browser key library in one import, for the pages: the supplier's key is made,
 * kept (encrypted) and used to sign here, and its bids are sealed here; the gateway receives
 * signatures, addresses, commitments and envelopes only.
 * Each module documents its own functions at its top.
 *
 *   keystore.js        createKeystore, encryptKey, unlock, importKeystore, inspectKeystore,
 *                      KeystoreError (with a stable `code`), SCRYPT_PARAMS
 *   keystore-store.js  saveKeystore, loadKeystore, removeKeystore, keystoreFileName
 *   tenders.js         tenderId, commitment, normaliseProducts, sealedBid, envelopeHash, newSalt,
 *                      digest, signCommit, signReveal, signObjection, signAppeal
 *   bid.js             sealBid (salt, commitment, Pokja envelope and opening of a bid)
 *   envelope.js        seal as sealEnvelope (the bid envelope alone), envelopeSize
 *   opening.js         encodeOpening
 *   shamir.js          split as shamirSplit, combine as shamirCombine (pycryptodome's shares)
 *   escrow.js          countersignDigest, signCountersign, openDisputeDigest, signOpenDispute
 *   key-rotation.js    rotationDigest, signRotation (both keys sign RotateKey)
 *   keys.js            newPrivateKey, importPrivateKey, addressOf, checksumAddress
 *   signing.js         signDigest, recoverAddress
 *
 * A page loads it as a module after the import map (app/portal/importmap.py):
 *   <script type="importmap">...</script>
 *   <script type="module" src="/portal/static/js/my-page.js"></script>
 * and in my-page.js: import { unlock, signObjection } from './index.js';
 *
 * @module index
 */
export {
  KeystoreError,
  SCRYPT_PARAMS,
  createKeystore,
  encryptKey,
  importKeystore,
  inspectKeystore,
  unlock,
} from './keystore.js';
export { keystoreFileName, loadKeystore, removeKeystore, saveKeystore } from './keystore-store.js';
export {
  commitment,
  digest,
  envelopeHash,
  newSalt,
  normaliseProducts,
  sealedBid,
  signAppeal,
  signCommit,
  signObjection,
  signReveal,
  tenderId,
} from './tenders.js';
export { sealBid } from './bid.js';
export { envelopeSize, seal as sealEnvelope } from './envelope.js';
export { encodeOpening } from './opening.js';
export { combine as shamirCombine, split as shamirSplit } from './shamir.js';
export { countersignDigest, openDisputeDigest, signCountersign, signOpenDispute } from './escrow.js';
export { rotationDigest, signRotation } from './key-rotation.js';
export { addressOf, checksumAddress, importPrivateKey, newPrivateKey } from './keys.js';
export { recoverAddress, signDigest } from './signing.js';
