import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { chmodSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { CertificateRecord } from './certificate-record.js';

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

type Row = {
  serial: string;
  profile: CertificateRecord['profile'];
  subject: string;
  user: string | null;
  groups_json: string;
  hosts_json: string;
  key_type: CertificateRecord['keyType'];
  origin: CertificateRecord['origin'];
  destination: string | null;
  not_before: number;
  not_after: number;
  issued_at: number;
  status: CertificateRecord['status'];
  revoked_at: number | null;
  revocation_reason: CertificateRecord['revocationReason'];
  pem: string;
};

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

export class SerialTakenError extends Error {}

/**
 * The inventory: SQLite gives the store its lock, atomic transactions and
 * flat look-up cost. All writes happen inside transactions; a process that dies
 * half-way leaves nothing behind.
 */
export class Inventory {
  private readonly db: Database;
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(db: Database) {
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

  static create(path: string): Inventory {
    const db = new Database(path, { timeout: 60_000, nativeBinding: sqliteBinding() });
    chmodSync(path, 0o600);
    // A rollback journal, not WAL: readers create no -wal/-shm files, so a command
    // that only reads (or fails) leaves the state directory exactly as it was.
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = FULL');
    const fresh = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'certificates'`).get() === undefined;
    db.exec(SCHEMA);
    if (fresh) db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
    const inventory = new Inventory(db);
    inventory.assertSchema(path);
    return inventory;
  }

  static open(path: string, options: { readonly?: boolean } = {}): Inventory {
    const db = new Database(path, { fileMustExist: true, readonly: options.readonly ?? false, timeout: 60_000, nativeBinding: sqliteBinding() });
    if (!options.readonly) db.pragma('synchronous = FULL');
    const inventory = new Inventory(db);
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

  close(): void {
    this.db.close();
  }

  /** Runs `work` in a write transaction; other writers wait for it (busy timeout). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  /**
   * Holds the write lock across asynchronous work (signing a CRL), so that two
   * processes never publish CRLs out of order. Callers in one process must not
   * nest it (CaStore serializes them).
   */
  async withWriteLock<T>(work: () => Promise<T>): Promise<T> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  insert(record: CertificateRecord): void {
    try {
      this
        .statement(
          `INSERT INTO certificates (serial, profile, subject, user, groups_json, hosts_json, key_type, origin, destination,
             not_before, not_after, issued_at, status, revoked_at, revocation_reason, pem)
           VALUES (@serial, @profile, @subject, @user, @groups_json, @hosts_json, @key_type, @origin, @destination,
             @not_before, @not_after, @issued_at, @status, @revoked_at, @revocation_reason, @pem)`,
        )
        .run(toRow(record));
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new SerialTakenError(record.serial);
      }
      throw error;
    }
  }

  find(serial: string): CertificateRecord | undefined {
    const row = this.statement('SELECT * FROM certificates WHERE serial = ?').get(serial) as Row | undefined;
    return row && fromRow(row);
  }

  /** A user's certificates, newest expiry first. */
  byUser(user: string): CertificateRecord[] {
    const rows = this.statement(`SELECT * FROM certificates WHERE user = ? AND profile = 'client' ORDER BY not_after DESC`).all(user) as Row[];
    return rows.map(fromRow);
  }

  list(filter: { profile?: CertificateRecord['profile']; status?: CertificateRecord['status'] } = {}): CertificateRecord[] {
    const rows = this
      .statement(
        `SELECT * FROM certificates
         WHERE (@profile IS NULL OR profile = @profile) AND (@status IS NULL OR status = @status)
         ORDER BY issued_at, serial`,
      )
      .all({ profile: filter.profile ?? null, status: filter.status ?? null }) as Row[];
    return rows.map(fromRow);
  }

  count(filter: { status?: CertificateRecord['status'] } = {}): number {
    const row = this.statement('SELECT COUNT(*) AS n FROM certificates WHERE (@status IS NULL OR status = @status)').get({ status: filter.status ?? null });
    return (row as { n: number }).n;
  }

  /** Marks a certificate revoked; false when it already was. */
  markRevoked(serial: string, at: Date, reason: NonNullable<CertificateRecord['revocationReason']>): boolean {
    const result = this
      .statement(
        `UPDATE certificates SET status = 'revoked', revoked_at = ?, revocation_reason = ?
         WHERE serial = ? AND status = 'valid'`,
      )
      .run(at.getTime(), reason, serial);
    return result.changes === 1;
  }

  /** Revoked certificates not yet expired: what a CRL must list. */
  revokedUnexpired(now: Date): Array<{ serial: string; revokedAt: Date; reason: NonNullable<CertificateRecord['revocationReason']> }> {
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
  nextCrlNumber(): bigint {
    const current = this.statement(`SELECT value FROM meta WHERE key = 'crl_number'`).get() as { value: string } | undefined;
    const next = BigInt(current?.value ?? '0') + 1n;
    this.statement(`INSERT OR REPLACE INTO meta (key, value) VALUES ('crl_number', ?)`).run(next.toString());
    return next;
  }
}

function toRow(record: CertificateRecord): Row {
  return {
    serial: record.serial,
    profile: record.profile,
    subject: record.subject,
    user: record.user,
    groups_json: JSON.stringify(record.groups),
    hosts_json: JSON.stringify(record.hosts),
    key_type: record.keyType,
    origin: record.origin,
    destination: record.destination,
    not_before: record.notBefore.getTime(),
    not_after: record.notAfter.getTime(),
    issued_at: record.issuedAt.getTime(),
    status: record.status,
    revoked_at: record.revokedAt?.getTime() ?? null,
    revocation_reason: record.revocationReason,
    pem: record.certificatePem,
  };
}

function fromRow(row: Row): CertificateRecord {
  return {
    serial: row.serial,
    profile: row.profile,
    subject: row.subject,
    user: row.user,
    groups: JSON.parse(row.groups_json) as string[],
    hosts: JSON.parse(row.hosts_json) as string[],
    keyType: row.key_type,
    origin: row.origin,
    destination: row.destination,
    notBefore: new Date(row.not_before),
    notAfter: new Date(row.not_after),
    issuedAt: new Date(row.issued_at),
    status: row.status,
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
    revocationReason: row.revocation_reason,
    certificatePem: row.pem,
  };
}
