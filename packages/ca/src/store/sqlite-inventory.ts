import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { chmodSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { CertificateRecord } from './certificate-record.js';
import { fromRow, toRow, type Row } from './record-row.js';
import type { CrlEntry, InventoryBackend, InventoryWrites, ListFilter } from './inventory-backend.js';

type Database = Database.Database;

/**
 * The compiled SQLite module, named outright: better-sqlite3 would otherwise search for it
 * (the `bindings` package), and cannot from inside the CLI's bundle. The single executable
 * hands over the module it loaded itself (packages/cli/sea-main.cjs), as there is no node_modules.
 */
const EXECUTABLE_SQLITE = Symbol.for('dockauth.sqliteAddon');
let nativeBinding: string | object | undefined;
// better-sqlite3 also takes the loaded module itself, though its types name only a path.
function sqliteBinding(): string {
  const fromExecutable = (globalThis as Record<symbol, (() => object) | undefined>)[EXECUTABLE_SQLITE];
  nativeBinding ??= fromExecutable ? fromExecutable() : createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
  return nativeBinding as string;
}


const SCHEMA = `
CREATE TABLE IF NOT EXISTS certificates (
  serial TEXT PRIMARY KEY,
  profile TEXT NOT NULL CHECK (profile IN ('ca', 'server', 'client')),
  subject TEXT NOT NULL,
  user TEXT,
  groups_json TEXT NOT NULL,
  hosts_json TEXT NOT NULL,
  key_type TEXT NOT NULL,
  origin TEXT NOT NULL,
  destination TEXT,
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  issued_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('valid', 'revoked')),
  revoked_at INTEGER,
  revocation_reason TEXT,
  pem TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS certificates_by_user ON certificates (user, not_after);
CREATE INDEX IF NOT EXISTS certificates_revoked ON certificates (status) WHERE status = 'revoked';
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** Bumped with every change to SCHEMA; a store written by another version is refused, not guessed at. */
export const SCHEMA_VERSION = 1;

/**
 * The embedded inventory: SQLite gives the store its lock, atomic transactions and
 * flat look-up cost. All writes happen inside transactions; a process that dies
 * half-way leaves nothing behind. The queries are synchronous underneath (the
 * plugin's per-request look-up uses findNow) and asynchronous to the store.
 */
export class SqliteInventory implements InventoryBackend {
  private readonly db: Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** This connection's transactions, one after another (BEGIN does not nest). */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    db: Database,
    readonly where: string,
  ) {
    this.db = db;
  }

  /** Statements compile once per connection: the plugin looks serials up on every request. */
  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  static create(path: string): SqliteInventory {
    const db = new Database(path, { timeout: 60_000, nativeBinding: sqliteBinding() });
    chmodSync(path, 0o600);
    // A rollback journal, not WAL: readers create no -wal/-shm files, so a command
    // that only reads (or fails) leaves the state directory exactly as it was.
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = FULL');
    const fresh = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'certificates'`).get() === undefined;
    db.exec(SCHEMA);
    if (fresh) db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
    const inventory = new SqliteInventory(db, path);
    inventory.assertSchema(path);
    return inventory;
  }

  static open(path: string, options: { readonly?: boolean } = {}): SqliteInventory {
    const db = new Database(path, { fileMustExist: true, readonly: options.readonly ?? false, timeout: 60_000, nativeBinding: sqliteBinding() });
    if (!options.readonly) db.pragma('synchronous = FULL');
    const inventory = new SqliteInventory(db, path);
    inventory.assertSchema(path);
    return inventory;
  }

  private assertSchema(path: string): void {
    let version: string | undefined;
    try {
      version = (this.db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined)?.value;
    } catch {
      version = undefined;
    }
    if (version !== String(SCHEMA_VERSION)) {
      this.db.close();
      throw new InputError(`failed to open inventory ${path}: its schema version is ${version ?? 'unknown'}, this dockauth reads ${SCHEMA_VERSION}`, {
        hint: 'use the dockauth version that wrote it (or move the state directory aside and make a new CA)',
      });
    }
  }

  closeNow(): void {
    if (this.db.open) this.db.close();
  }

  async close(): Promise<void> {
    this.closeNow();
  }

  /**
   * Runs `work` holding the write lock (BEGIN IMMEDIATE) across its asynchronous
   * steps (signing a CRL), so two processes never publish CRLs out of order;
   * other writers wait for it (busy timeout). Committed when `work` resolves.
   */
  transaction<T>(work: (tx: InventoryWrites) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async describe(): Promise<{ schemaVersion: number; canWrite: boolean }> {
    return { schemaVersion: SCHEMA_VERSION, canWrite: !this.db.readonly };
  }

  async find(serial: string): Promise<CertificateRecord | undefined> {
    return this.findNow(serial);
  }

  async byUser(user: string): Promise<CertificateRecord[]> {
    return this.byUserNow(user);
  }

  async list(filter: ListFilter = {}): Promise<CertificateRecord[]> {
    return this.listNow(filter);
  }

  async count(filter: Pick<ListFilter, 'status'> = {}): Promise<number> {
    return this.countNow(filter);
  }

  async insert(record: CertificateRecord): Promise<boolean> {
    return this.insertNow(record);
  }

  async markRevoked(serial: string, at: Date, reason: NonNullable<CertificateRecord['revocationReason']>): Promise<boolean> {
    return this.markRevokedNow(serial, at, reason);
  }

  async revokedUnexpired(now: Date): Promise<CrlEntry[]> {
    return this.revokedUnexpiredNow(now);
  }

  async nextCrlNumber(): Promise<bigint> {
    return this.nextCrlNumberNow();
  }

  async setCrlNumber(value: bigint): Promise<void> {
    if (value > this.crlNumberNow()) this.statement(`INSERT OR REPLACE INTO meta (key, value) VALUES ('crl_number', ?)`).run(value.toString());
  }

  /** The CRL number last taken (0 for none): a migration carries it over. */
  crlNumberNow(): bigint {
    const current = this.statement(`SELECT value FROM meta WHERE key = 'crl_number'`).get() as { value: string } | undefined;
    return BigInt(current?.value ?? '0');
  }

  /** false when the serial is taken (the transaction goes on). */
  insertNow(record: CertificateRecord): boolean {
    try {
      this
        .statement(
          `INSERT INTO certificates (serial, profile, subject, user, groups_json, hosts_json, key_type, origin, destination,
             not_before, not_after, issued_at, status, revoked_at, revocation_reason, pem)
           VALUES (@serial, @profile, @subject, @user, @groups_json, @hosts_json, @key_type, @origin, @destination,
             @not_before, @not_after, @issued_at, @status, @revoked_at, @revocation_reason, @pem)`,
        )
        .run(toRow(record));
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return false;
      throw error;
    }
  }

  /** Synchronous: the plugin's identity check looks a serial up on every request. */
  findNow(serial: string): CertificateRecord | undefined {
    const row = this.statement('SELECT * FROM certificates WHERE serial = ?').get(serial) as Row | undefined;
    return row && fromRow(row);
  }

  /** A user's certificates, newest expiry first. */
  byUserNow(user: string): CertificateRecord[] {
    const rows = this.statement(`SELECT * FROM certificates WHERE user = ? AND profile = 'client' ORDER BY not_after DESC`).all(user) as Row[];
    return rows.map(fromRow);
  }

  listNow(filter: ListFilter = {}): CertificateRecord[] {
    const rows = this
      .statement(
        `SELECT * FROM certificates
         WHERE (@profile IS NULL OR profile = @profile) AND (@status IS NULL OR status = @status)
         ORDER BY issued_at, serial`,
      )
      .all({ profile: filter.profile ?? null, status: filter.status ?? null }) as Row[];
    return rows.map(fromRow);
  }

  countNow(filter: Pick<ListFilter, 'status'> = {}): number {
    const row = this.statement('SELECT COUNT(*) AS n FROM certificates WHERE (@status IS NULL OR status = @status)').get({ status: filter.status ?? null });
    return (row as { n: number }).n;
  }

  /** Marks a certificate revoked; false when it already was. */
  markRevokedNow(serial: string, at: Date, reason: NonNullable<CertificateRecord['revocationReason']>): boolean {
    const result = this
      .statement(
        `UPDATE certificates SET status = 'revoked', revoked_at = ?, revocation_reason = ?
         WHERE serial = ? AND status = 'valid'`,
      )
      .run(at.getTime(), reason, serial);
    return result.changes === 1;
  }

  /** Revoked certificates not yet expired: what a CRL must list. */
  revokedUnexpiredNow(now: Date): CrlEntry[] {
    const rows = this
      .statement(
        `SELECT serial, revoked_at, revocation_reason FROM certificates
         WHERE status = 'revoked' AND not_after > ? ORDER BY revoked_at, serial`,
      )
      .all(now.getTime()) as Array<Pick<Row, 'serial' | 'revoked_at' | 'revocation_reason'>>;
    return rows.map((row) => ({
      serial: row.serial,
      revokedAt: new Date(row.revoked_at ?? 0),
      reason: row.revocation_reason ?? 'unspecified',
    }));
  }

  /** Takes the next CRL number (monotonic, never reused). Call inside a transaction. */
  nextCrlNumberNow(): bigint {
    const next = this.crlNumberNow() + 1n;
    this.statement(`INSERT OR REPLACE INTO meta (key, value) VALUES ('crl_number', ?)`).run(next.toString());
    return next;
  }
}
