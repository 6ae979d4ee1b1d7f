/**
 * Keeps a supplier's encrypted keystore in this browser (localStorage of the portal's origin), one
 * per supplier id, so the supplier unlocks it with the password alone on the next visit. Only the
 * encrypted JSON is stored, never a private key or a password. Clearing the site's data deletes it:
 * the page should offer the file to download as a backup (keystoreFileName names it as geth does).
 *
 * API (storage defaults to globalThis.localStorage; tests pass any object with getItem, setItem and
 * removeItem)
 *   saveKeystore(supplierId, json, storage?)     -> void    replaces the supplier's stored keystore
 *   loadKeystore(supplierId, storage?)           -> string|null
 *   removeKeystore(supplierId, storage?)         -> void
 *   keystoreFileName(address, date?)             -> string  'UTC--<ISO time>--<address>', e.g.
 *                                                 'UTC--2026-12-06T01-02-03.000Z--8af8d1eb...'
 *
 * @module keystore-store
 */
import { inspectKeystore } from './keystore.js';

const PREFIX = 'terang.portal.keystore.';

function slot(supplierId) {
  const id = String(supplierId);
  if (!/^[1-9][0-9]*$/.test(id)) throw new TypeError('a supplier id is a positive integer');
  return PREFIX + id;
}

function defaultStorage() {
  if (!globalThis.localStorage) throw new Error('this browser offers no local storage');
  return globalThis.localStorage;
}

/**
 * Stores the keystore (checked to be one first) as the supplier's, replacing any before it.
 * @param {number|string|bigint} supplierId
 * @param {string|Object} json
 * @param {Storage} [storage]
 */
export function saveKeystore(supplierId, json, storage = defaultStorage()) {
  inspectKeystore(json);
  storage.setItem(slot(supplierId), typeof json === 'string' ? json : JSON.stringify(json));
}

/**
 * @param {number|string|bigint} supplierId
 * @param {Storage} [storage]
 * @returns {string|null} the stored keystore JSON, or null if there is none
 */
export function loadKeystore(supplierId, storage = defaultStorage()) {
  return storage.getItem(slot(supplierId));
}

/**
 * @param {number|string|bigint} supplierId
 * @param {Storage} [storage]
 */
export function removeKeystore(supplierId, storage = defaultStorage()) {
  storage.removeItem(slot(supplierId));
}

/**
 * The file name geth gives a keystore, which wallets recognise on import.
 * @param {string} address '0x' and 40 hex digits
 * @param {Date} [date]
 * @returns {string}
 */
export function keystoreFileName(address, date = new Date()) {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new TypeError('an address is 0x followed by 40 hex digits');
  }
  return `UTC--${date.toISOString().replace(/:/g, '-')}--${address.slice(2).toLowerCase()}`;
}
