/**
 * The portal's in-browser key library in one import, for the pages: the supplier's key is made,
 * kept (encrypted) and used to sign here; the gateway receives signatures and addresses only.
 * Each module documents its own functions at its top.
 *
 *   keystore.js        createKeystore, encryptKey, unlock, importKeystore, inspectKeystore,
 *                      KeystoreError (with a stable `code`), SCRYPT_PARAMS
 *   keystore-store.js  saveKeystore, loadKeystore, removeKeystore, keystoreFileName
 *   tenders.js         tenderId, commitment, normaliseProducts, sealedBid, envelopeHash, newSalt,
 *                      digest, signCommit, signReveal, signObjection, signAppeal
 *   escrow.js          countersignDigest, signCountersign
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
export { countersignDigest, signCountersign } from './escrow.js';
export { addressOf, checksumAddress, importPrivateKey, newPrivateKey } from './keys.js';
export { recoverAddress, signDigest } from './signing.js';
