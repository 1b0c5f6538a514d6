import { existsSync } from 'node:fs';
import { CaStore, certificateState, crlDates, type CertificateRecord } from '@dockauth/ca';
import type { Context } from '../context.js';
import { formatDate, readPassphrase } from '../store-access.js';
import { readPlainFile } from '../system/regular-file.js';
import { DAY_MS, type Finding } from './finding.js';

/** Opens the CA and checks its key is private and usable, and that the CA is not about to expire. */
export async function checkCa(context: Context, options: { caPassphraseFile?: string }, findings: Finding[]): Promise<CaStore | undefined> {
  let store: CaStore;
  try {
    store = await CaStore.open(context.dir, { passphrase: readPassphrase(options) });
  } catch (error) {
    const lost = /failed to reach the inventory/.test((error as Error).message);
    const consequence = lost ? ' (a plugin on this host decides from memory for the policy\'s inventory.unreachable_grace, then denies every TLS user until it is back)' : '';
    findings.push({ severity: 'error', check: lost ? 'inventory' : 'ca', message: `${(error as Error).message}${consequence}`, fix: (error as { hint?: string }).hint });
    return undefined;
  }
  if (store.shared) await checkSharedInventory(context, store, findings);
  if (store.shared && !existsSync(CaStore.paths(context.dir).caKey)) {
    findings.push({ severity: 'ok', check: 'ca', message: 'no CA key on this host (it joined the shared inventory; the CA host signs)' });
    return store;
  }
  try {
    await store.assertCanSign();
    findings.push({ severity: 'ok', check: 'ca', message: `CA key ${CaStore.paths(context.dir).caKey} is private and usable` });
  } catch (error) {
    findings.push({ severity: 'error', check: 'ca-key', message: (error as Error).message, fix: (error as { hint?: string }).hint });
  }
  const left = store.caCertificate.notAfter.getTime() - context.now().getTime();
  if (left < 90 * DAY_MS) {
    findings.push({ severity: 'warning', check: 'ca-expiry', message: `the CA expires on ${formatDate(store.caCertificate.notAfter)}`, fix: 'plan a new CA: dockauth ca init --force, then re-issue server and users' });
  }
  return store;
}

/** A shared inventory: reachable, its schema, and whether a host without the key could write to it. */
async function checkSharedInventory(context: Context, store: CaStore, findings: Finding[]): Promise<void> {
  const { schemaVersion, canWrite } = await store.describeInventory();
  const certificates = await store.count();
  findings.push({ severity: 'ok', check: 'inventory', message: `shared inventory ${store.inventoryWhere} answers (schema ${schemaVersion}, ${certificates} certificates)` });
  if (canWrite && !existsSync(CaStore.paths(context.dir).caKey)) {
    findings.push({
      severity: 'warning',
      check: 'inventory',
      message: `this host has no CA key, yet its database role may change the inventory ${store.inventoryWhere}`,
      fix: 'give docker hosts a role that can only read: GRANT SELECT (no INSERT, UPDATE) — see docs/multi-host.md',
    });
  }
}

/** The newest valid certificate of the server and of each user: expired is an error, within 30 days a warning. */
export async function checkExpiring(context: Context, store: CaStore, findings: Finding[]): Promise<void> {
  const now = context.now();
  const latest = new Map<string, CertificateRecord>();
  for (const record of await store.list({ status: 'valid' })) {
    if (record.profile === 'ca') continue;
    const key = record.profile === 'server' ? 'server' : `user ${record.user}`;
    const seen = latest.get(key);
    if (!seen || record.notAfter > seen.notAfter) latest.set(key, record);
  }
  for (const [who, record] of latest) {
    const state = certificateState(record, now);
    if (state === 'expired' || record.notAfter.getTime() - now.getTime() < 30 * DAY_MS) {
      const fix = who === 'server' ? 'dockauth server renew --within 30' : `dockauth user renew ${record.user}`;
      findings.push({ severity: state === 'expired' ? 'error' : 'warning', check: 'expiry', message: `${who}: certificate ${record.serial} ${state === 'expired' ? 'expired' : 'expires'} on ${formatDate(record.notAfter)}`, fix });
    }
  }
}

/**
 * The published CRL (DIR/crl.pem): whoever checks certificates against it refuses every one
 * once its nextUpdate has passed. None yet is fine while nothing was revoked.
 */
export async function checkCrl(context: Context, store: CaStore, findings: Finding[]): Promise<void> {
  const path = CaStore.paths(context.dir).crl;
  // A host that joined a shared inventory has no CA key: the CA host publishes the CRL.
  if (store.shared && !existsSync(CaStore.paths(context.dir).caKey)) return;
  const pem = readPlainFile(path)?.toString('latin1');
  const revoked = await store.count({ status: 'revoked' });
  if (pem === undefined) {
    if (revoked > 0) findings.push({ severity: 'warning', check: 'crl', message: `${revoked} certificates are revoked but ${path} does not exist`, fix: 'dockauth crl' });
    return;
  }
  let nextUpdate: Date | undefined;
  try {
    nextUpdate = crlDates(pem, path).nextUpdate;
  } catch (error) {
    findings.push({ severity: 'error', check: 'crl', message: (error as Error).message, fix: 'dockauth crl' });
    return;
  }
  const now = context.now();
  if (nextUpdate === undefined) return;
  if (nextUpdate <= now) {
    findings.push({ severity: 'error', check: 'crl', message: `${path} expired on ${formatDate(nextUpdate)} (its nextUpdate): anything that checks it refuses every certificate`, fix: 'dockauth crl' });
  } else if (nextUpdate.getTime() - now.getTime() < 2 * DAY_MS) {
    findings.push({ severity: 'warning', check: 'crl', message: `${path} expires on ${formatDate(nextUpdate)} (its nextUpdate)`, fix: 'dockauth crl' });
  } else {
    findings.push({ severity: 'ok', check: 'crl', message: `${path} is current until ${formatDate(nextUpdate)}` });
  }
}
