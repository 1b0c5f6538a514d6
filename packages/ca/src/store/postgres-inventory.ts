import { readFileSync } from 'node:fs';
import pg from 'pg';
import { OperationError, describeCause, DockauthError } from '../errors.js';
import type { CertificateRecord } from './certificate-record.js';
import { inventoryPassword, redactUrl, type InventoryConfig } from './inventory-config.js';
import type { CrlEntry, InventoryBackend, InventoryReads, InventoryWrites, ListFilter } from './inventory-backend.js';
import { SCHEMA_LOCK, assertSchemaCurrent, migrateSchema } from './postgres-schema.js';

const CA_CREATION_LOCK = SCHEMA_LOCK + 1;
import { ROW_COLUMNS, fromRow, toRow, type Row } from './record-row.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

const COLUMNS = ROW_COLUMNS.map((column) => `"${column}"`).join(', ');
const PLACEHOLDERS = ROW_COLUMNS.map((_, index) => `$${index + 1}`).join(', ');

/** A row as node-postgres returns it: bigint columns come back as strings. */
export function fromPgRow(row: Record<string, unknown>): CertificateRecord {
  const number = (value: unknown): number => Number(value);
  return fromRow({
    ...(row as Row),
    not_before: number(row.not_before),
    not_after: number(row.not_after),
    issued_at: number(row.issued_at),
    revoked_at: row.revoked_at === null ? null : number(row.revoked_at),
  });
}

/**
 * Connection settings of a configured inventory (password resolved, never logged). The URL
 * is taken apart here rather than handed to node-postgres as a connection string, whose
 * (empty) password would override the one from the password file. TLS to the database:
 * ?sslmode=verify-full (with &sslrootcert=FILE for a private CA).
 */
export function poolConfig(config: InventoryConfig, env: NodeJS.ProcessEnv = process.env): pg.PoolConfig {
  const url = new URL(config.url);
  const password = inventoryPassword(config, env);
  const sslmode = url.searchParams.get('sslmode');
  const rootCert = url.searchParams.get('sslrootcert');
  return {
    host: decodeURIComponent(url.hostname.replace(/^\[|\]$/g, '')) || 'localhost',
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username) || undefined,
    database: decodeURIComponent(url.pathname.slice(1)),
    ...(password === undefined ? {} : { password }),
    ...(sslmode === 'verify-full' ? { ssl: rootCert ? { ca: readFileSync(rootCert, 'utf8') } : true } : {}),
    connectionTimeoutMillis: 10_000,
  };
}

/** The queries, on a pool or inside one transaction's client. */
class PostgresQueries implements InventoryReads {
  constructor(protected readonly db: Queryable) {}

  async find(serial: string): Promise<CertificateRecord | undefined> {
    const result = await this.db.query('SELECT * FROM certificates WHERE serial = $1', [serial]);
    return result.rows[0] && fromPgRow(result.rows[0]);
  }

  async byUser(user: string): Promise<CertificateRecord[]> {
    const result = await this.db.query(`SELECT * FROM certificates WHERE "user" = $1 AND profile = 'client' ORDER BY not_after DESC`, [user]);
    return result.rows.map(fromPgRow);
  }

  async list(filter: ListFilter = {}): Promise<CertificateRecord[]> {
    const result = await this.db.query(
      `SELECT * FROM certificates WHERE ($1::text IS NULL OR profile = $1) AND ($2::text IS NULL OR status = $2) ORDER BY issued_at, serial`,
      [filter.profile ?? null, filter.status ?? null],
    );
    return result.rows.map(fromPgRow);
  }

  async count(filter: Pick<ListFilter, 'status'> = {}): Promise<number> {
    const result = await this.db.query('SELECT count(*) AS n FROM certificates WHERE ($1::text IS NULL OR status = $1)', [filter.status ?? null]);
    return Number(result.rows[0].n);
  }
}

class PostgresWrites extends PostgresQueries implements InventoryWrites {
  /** Held until the transaction ends. */
  async advisoryLock(lock: number): Promise<void> {
    await this.db.query('SELECT pg_advisory_xact_lock($1)', [lock]);
  }

  async insert(record: CertificateRecord): Promise<boolean> {
    const row = toRow(record);
    // ON CONFLICT, not a caught error: a failed statement would abort the whole transaction.
    const result = await this.db.query(
      `INSERT INTO certificates (${COLUMNS}) VALUES (${PLACEHOLDERS}) ON CONFLICT (serial) DO NOTHING`,
      ROW_COLUMNS.map((column) => row[column]),
    );
    return result.rowCount === 1;
  }

  async markRevoked(serial: string, at: Date, reason: NonNullable<CertificateRecord['revocationReason']>): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE certificates SET status = 'revoked', revoked_at = $1, revocation_reason = $2 WHERE serial = $3 AND status = 'valid'`,
      [at.getTime(), reason, serial],
    );
    return result.rowCount === 1;
  }

  async revokedUnexpired(now: Date): Promise<CrlEntry[]> {
    const result = await this.db.query(
      `SELECT serial, revoked_at, revocation_reason FROM certificates WHERE status = 'revoked' AND not_after > $1 ORDER BY revoked_at, serial`,
      [now.getTime()],
    );
    return result.rows.map((row) => ({ serial: row.serial, revokedAt: new Date(Number(row.revoked_at ?? 0)), reason: row.revocation_reason ?? 'unspecified' }));
  }

  async setCrlNumber(value: bigint): Promise<void> {
    await this.db.query(
      `INSERT INTO meta (key, value) VALUES ('crl_number', $1)
       ON CONFLICT (key) DO UPDATE SET value = greatest(meta.value::numeric, $1::numeric)::text`,
      [value.toString()],
    );
  }

  /** The row lock on crl_number orders CRL publishers across hosts. */
  async nextCrlNumber(): Promise<bigint> {
    const result = await this.db.query(
      `INSERT INTO meta (key, value) VALUES ('crl_number', '1')
       ON CONFLICT (key) DO UPDATE SET value = (meta.value::numeric + 1)::text RETURNING value`,
    );
    return BigInt(result.rows[0].value);
  }
}

/**
 * The shared inventory on PostgreSQL. Transactions replace the SQLite file lock:
 * a serial is a primary key (a taken one is simply not inserted), the CRL number
 * and the change counter are rows every writer locks until it commits.
 */
export class PostgresInventory extends PostgresQueries implements InventoryBackend {
  private constructor(
    private readonly pool: pg.Pool,
    readonly where: string,
    private readonly settings: pg.ClientConfig,
  ) {
    super(pool);
  }

  /** Connects and checks (or, unless read-only, migrates) the schema. */
  static async connect(config: InventoryConfig, options: { readonly?: boolean } = {}): Promise<PostgresInventory> {
    const where = redactUrl(config.url);
    const settings = poolConfig(config);
    const pool = new pg.Pool({ ...settings, max: 4 });
    // An idle client losing its server must not crash the process: the next query reconnects.
    pool.on('error', () => undefined);
    const inventory = new PostgresInventory(pool, where, settings);
    try {
      const client = await pool.connect();
      try {
        if (options.readonly) await assertSchemaCurrent(client, where);
        else await migrateSchema(client, where);
      } finally {
        client.release();
      }
    } catch (error) {
      await inventory.close();
      if (error instanceof DockauthError) throw error;
      throw unreachable(where, error);
    }
    return inventory;
  }

  transaction<T>(work: (tx: InventoryWrites) => Promise<T>): Promise<T> {
    return this.withTransaction((_client, tx) => work(tx));
  }

  /** A transaction with its client, for tables beside the certificates (signing requests). */
  async withTransaction<T>(work: (client: pg.ClientBase, tx: InventoryWrites) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw unreachable(this.where, error);
    }
    try {
      await client.query('BEGIN');
      const result = await work(client, new PostgresWrites(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** One query outside a transaction. */
  query(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
    return this.pool.query(sql, values);
  }

  /** A connection of its own that LISTENs on `channel` (close it with end()). */
  async listen(channel: string, onNotice: () => void): Promise<pg.Client> {
    const client = new pg.Client(this.settings);
    client.on('error', () => undefined);
    client.on('notification', onNotice);
    await client.connect();
    await client.query(`LISTEN ${channel}`);
    return client;
  }

  /** A transaction that excludes every other exclusive one (CA creation: one CA per inventory). */
  async exclusive<T>(work: (tx: InventoryWrites) => Promise<T>): Promise<T> {
    return this.transaction(async (tx) => {
      await (tx as PostgresWrites).advisoryLock(CA_CREATION_LOCK);
      return work(tx);
    });
  }

  async describe(): Promise<{ schemaVersion: number; canWrite: boolean }> {
    const result = await this.pool.query(
      `SELECT (SELECT max(version) FROM dockauth_schema) AS version,
              has_table_privilege('certificates', 'INSERT') OR has_table_privilege('certificates', 'UPDATE') AS can_write`,
    );
    return { schemaVersion: Number(result.rows[0].version), canWrite: result.rows[0].can_write === true };
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

function unreachable(where: string, error: unknown): OperationError {
  return new OperationError(`failed to reach the inventory ${where}: ${describeCause(error)}`, {
    cause: error,
    hint: 'check that PostgreSQL is up and this host may connect (pg_hba.conf, the password file), then run the command again',
  });
}
