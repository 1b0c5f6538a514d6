import { existsSync, renameSync } from 'node:fs';
import { InputError } from '../errors.js';
import { createFileAtomic } from './atomic-file.js';
import { CaStore } from './ca-store.js';
import type { CertificateRecord } from './certificate-record.js';
import { inventoryConfigText, redactUrl, type InventoryConfig } from './inventory-config.js';
import { SqliteInventory } from './sqlite-inventory.js';

export interface MigrationResult {
  /** False when the database already held exactly this inventory (an interrupted run, finished now). */
  copied: boolean;
  certificates: number;
  revoked: number;
  crlNumber: string;
  /** Where the SQLite file was moved (kept, never deleted). */
  keptAs: string;
}

/**
 * Moves a state directory's SQLite inventory into an empty PostgreSQL one: every
 * row (serials, states, revocation times and reasons) and the CRL number, in one
 * transaction. Then inventory.json is written and inventory.db moved aside, so
 * the directory uses the database from now on — and a second run is refused.
 * A run cut off after the commit is finished by the next one (same rows found).
 */
export async function migrateToShared(dir: string, config: InventoryConfig, now: Date, options: { dryRun?: boolean } = {}): Promise<MigrationResult> {
  const paths = CaStore.paths(dir);
  if (existsSync(paths.inventoryConfig)) {
    throw new InputError(`failed to migrate ${dir}: its inventory is already shared (${paths.inventoryConfig})`, {
      hint: 'the migration runs once; nothing to do',
    });
  }
  await (await CaStore.open(dir, { readonly: true })).close(); // a CA and its inventory.db are there, the directory is safe
  const local = SqliteInventory.open(paths.inventory, { readonly: true });
  let records: CertificateRecord[];
  let crlNumber: bigint;
  try {
    records = local.listNow();
    crlNumber = local.crlNumberNow();
  } finally {
    local.closeNow();
  }
  const { PostgresInventory } = await import('./postgres-inventory.js');
  const shared = await PostgresInventory.connect(config);
  const keptAs = `${paths.inventory}.migrated-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
  const summary = { certificates: records.length, revoked: records.filter((record) => record.status === 'revoked').length, crlNumber: crlNumber.toString(), keptAs };
  try {
    const copied = await shared.exclusive(async (tx) => {
      const present = await tx.list();
      if (present.length > 0) {
        if (sameRows(present, records)) return false;
        throw new InputError(`failed to migrate ${dir} into ${redactUrl(config.url)}: the database already holds ${present.length} certificates`, {
          hint: 'the migration runs once, into an empty inventory: give it a new database',
        });
      }
      for (const record of records) {
        if (!(await tx.insert(record))) throw new Error(`serial ${record.serial} twice in ${paths.inventory}`);
      }
      await tx.setCrlNumber(crlNumber);
      if (options.dryRun) throw new DryRun();
      return true;
    });
    if (!options.dryRun) {
      createFileAtomic(paths.inventoryConfig, inventoryConfigText(config), 0o600);
      renameSync(paths.inventory, keptAs);
    }
    return { copied, ...summary };
  } catch (error) {
    if (error instanceof DryRun) return { copied: true, ...summary };
    throw error;
  } finally {
    await shared.close();
  }
}

/** Rolls a dry run's transaction back after everything was checked. */
class DryRun extends Error {}

function sameRows(a: readonly CertificateRecord[], b: readonly CertificateRecord[]): boolean {
  const key = (record: CertificateRecord): string => `${record.serial} ${record.status} ${record.revokedAt?.getTime() ?? ''}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
}
