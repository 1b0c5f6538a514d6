import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertPrivateDirectory, CaStore, INVENTORY_CONFIG_FILE, readInventoryConfig, SqliteInventory, type CertificateRecord } from '@dockauth/ca';

/** What a status source can say about itself, for the log, doctor and tests. */
export interface StatusHealth {
  backend: 'sqlite' | 'postgres';
  /** The inventory file, or its database URL (never a password). */
  where: string;
  /** True while the source reflects the inventory as it is now. */
  current: boolean;
  /** Last successful exchange with the database (null: never yet). */
  lastContact: Date | null;
  /** When the current outage began, and why (absent while connected). */
  lostSince?: Date;
  lostReason?: string;
  certificates: number;
}

/**
 * Where the plugin (and the gateway) learn whether a certificate is one the CA
 * issued and still valid. `find` is synchronous because it runs on every
 * request: the embedded inventory is read directly, a shared one is mirrored in
 * memory and kept current by the database's change notices.
 */
export interface CertificateStatusSource {
  find(serial: string): CertificateRecord | undefined;
  /**
   * Why no certificate may be trusted right now (fail closed), or undefined.
   * `graceMs`: how long a lost shared inventory is still trusted from memory.
   */
  unavailable(graceMs: number, now: Date): string | undefined;
  health(now: Date): StatusHealth;
  close(): Promise<void>;
}

/** The embedded inventory, read on every look-up (a revocation counts from the next request). */
export class SqliteStatusSource implements CertificateStatusSource {
  constructor(private readonly inventory: SqliteInventory) {}

  find(serial: string): CertificateRecord | undefined {
    return this.inventory.findNow(serial);
  }

  unavailable(): string | undefined {
    return undefined;
  }

  health(now: Date): StatusHealth {
    return { backend: 'sqlite', where: this.inventory.where, current: true, lastContact: now, certificates: this.inventory.countNow() };
  }

  async close(): Promise<void> {
    this.inventory.closeNow();
  }
}

export interface StatusSourceOptions {
  log: (line: string) => void;
  /** For tests: how often the database is checked, and how soon it is retried. */
  heartbeatMs?: number;
  retryMs?: number;
  clock?: () => Date;
}

/**
 * Opens the status source of a CA state directory: its shared inventory when
 * inventory.json names one, else its inventory.db (read-only). A shared inventory
 * that cannot be reached yet does not stop the plugin: until it answers, TLS
 * users are denied.
 */
export async function openCertificateStatusSource(stateDir: string, options: StatusSourceOptions): Promise<CertificateStatusSource> {
  const configPath = join(stateDir, INVENTORY_CONFIG_FILE);
  if (existsSync(configPath)) {
    // Whoever could write inventory.json would choose what the plugin trusts: the directory must be root's alone.
    assertPrivateDirectory(stateDir);
    const { LiveInventoryMirror } = await import('./live-inventory-mirror.js');
    return LiveInventoryMirror.start(readInventoryConfig(configPath), options);
  }
  const store = await CaStore.open(stateDir, { readonly: true }); // checks the directory and that a CA is there
  await store.close();
  return new SqliteStatusSource(SqliteInventory.open(CaStore.paths(stateDir).inventory, { readonly: true }));
}
