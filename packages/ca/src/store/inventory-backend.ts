import type { CertificateRecord } from './certificate-record.js';

export interface ListFilter {
  profile?: CertificateRecord['profile'];
  status?: CertificateRecord['status'];
}

/** What a CRL lists for one revoked certificate. */
export interface CrlEntry {
  serial: string;
  revokedAt: Date;
  reason: NonNullable<CertificateRecord['revocationReason']>;
}

/** The queries every backend answers, inside or outside a transaction. */
export interface InventoryReads {
  find(serial: string): Promise<CertificateRecord | undefined>;
  /** A user's client certificates, newest expiry first. */
  byUser(user: string): Promise<CertificateRecord[]>;
  /** In issue order. */
  list(filter?: ListFilter): Promise<CertificateRecord[]>;
  count(filter?: Pick<ListFilter, 'status'>): Promise<number>;
}

/** What a transaction may change. */
export interface InventoryWrites extends InventoryReads {
  /** Records a certificate; false (and nothing written) when its serial is already taken. */
  insert(record: CertificateRecord): Promise<boolean>;
  /** Marks a certificate revoked; false when it already was (or is unknown). */
  markRevoked(serial: string, at: Date, reason: NonNullable<CertificateRecord['revocationReason']>): Promise<boolean>;
  /** Revoked certificates not yet expired: what a CRL must list. */
  revokedUnexpired(now: Date): Promise<CrlEntry[]>;
  /** Takes the next CRL number (monotonic, never reused). */
  nextCrlNumber(): Promise<bigint>;
  /** Sets the CRL number last taken (a migration carries it over; never lowers it). */
  setCrlNumber(value: bigint): Promise<void>;
}

/**
 * The inventory of everything the CA issued, behind one interface with two
 * backends: SQLite (sqlite-inventory.ts, one host, the embedded default) and
 * PostgreSQL (postgres-inventory.ts, a fleet sharing one CA). Every change is one
 * transaction that holds the inventory's write lock for its whole length, so
 * parallel writers — processes or hosts — never repeat a serial or lose a row.
 */
export interface InventoryBackend extends InventoryReads {
  /** Where the inventory lives, for messages (a path, or a URL without its password). */
  readonly where: string;
  transaction<T>(work: (tx: InventoryWrites) => Promise<T>): Promise<T>;
  /** For doctor: the schema version, and whether this connection could change the inventory. */
  describe(): Promise<{ schemaVersion: number; canWrite: boolean }>;
  /** Never rejects: closing is what a command does last. */
  close(): Promise<void>;
}
