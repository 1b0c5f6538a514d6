/**
 * @dockauth/ca — the certificate authority: keys, the three certificate profiles,
 * CSR signing, revocation and CRLs, cfssl inputs, and the on-disk CA store.
 * See packages/ca/README.md.
 */
export { DockauthError, InputError, OperationError, describeCause } from './errors.js';
export { KEY_TYPES, DEFAULT_KEY_TYPE, parseKeyType, type KeyType } from './keys/key-type.js';
export { parseDuration, daysToMs, msToDays, CLOCK_SKEW_MS } from './validity.js';
export { validateLoginName, validateGroupName, parseHost, type HostName } from './names.js';
export { normalizeSerial, isSerial } from './serial.js';
export type { CreateCaOptions, CaMaterial } from './create-ca.js';
export type { ImportCaOptions } from './import-ca.js';
export { parseCertificatePem, type CertificateInfo } from './ca-certificate.js';
export { pemToDer } from './der/der-reader.js';
export { crlDates } from './crl-dates.js';

// Making or importing a CA is rare: these load their modules on call.
export const createCa: typeof import('./create-ca.js').createCa = async (...args) => (await import('./create-ca.js')).createCa(...args);
export const importCa: typeof import('./import-ca.js').importCa = async (...args) => (await import('./import-ca.js')).importCa(...args);
export type { SubjectFields } from './subject.js';
export { REVOCATION_REASONS, parseRevocationReason, type RevocationReason } from './revocation-reason.js';
export { parseCfsslCsr, type CfsslCsr } from './cfssl/cfssl-csr.js';
export { parseCfsslConfig, cfsslExpiry, type CfsslConfig } from './cfssl/cfssl-config.js';
export { parseJsonDocument, expectObject, lineAndColumn } from './json-document.js';
export {
  CaStore,
  STORE_FILES,
  type CaStoreOptions,
  type ClientRequest,
  type CsrRequest,
  type ServerRequest,
  type Issued,
  type Revocation,
  type SignedBatch,
} from './store/ca-store.js';
export { certificateState, type CertificateRecord, type CertificateState } from './store/certificate-record.js';
export { SqliteInventory } from './store/sqlite-inventory.js';
export { assertPrivateDirectory } from './store/permissions.js';
export type { InventoryBackend, InventoryReads, ListFilter } from './store/inventory-backend.js';
export { INVENTORY_CONFIG_FILE, inventoryPassword, parseInventoryUrl, readInventoryConfig, redactUrl, type InventoryConfig } from './store/inventory-config.js';
export { followInventory, migrateInventory } from './store/shared-inventory.js';
export type { MigrationResult } from './store/inventory-migration.js';
export type { ChangeFeedHandlers, ChangeFeedOptions, InventoryChangeFeed } from './store/postgres-change-feed.js';
export { writeFileAtomic, createFileAtomic, stageFile, commitStagedFile, discardStagedFile, removeLiveTemporaries, TEMPORARY_NAME } from './store/atomic-file.js';
export { CA_PROFILE, SERVER_PROFILE, CLIENT_PROFILE, type CertificateProfile, type ProfileName } from './profiles/index.js';
