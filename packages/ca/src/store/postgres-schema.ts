import type pg from 'pg';
import { InputError } from '../errors.js';

/**
 * The shared inventory's schema, created and migrated by dockauth itself: each
 * migration runs once, in order, in one transaction under an advisory lock, so
 * hosts starting together never migrate twice; dockauth_schema says how far.
 */
const MIGRATIONS: readonly string[] = [
  // 1: the certificates (columns as in SQLite; "user" is a keyword here), the CRL
  // number, and a change counter. Every write to a certificate takes the next change
  // number under the counter's row lock, so change numbers commit in order: a reader
  // that has seen change n has seen every change before it, and catches up after a
  // reconnect with "change_seq > n". Each change is announced on dockauth_certificates.
  `
  CREATE TABLE certificates (
    serial text PRIMARY KEY,
    profile text NOT NULL CHECK (profile IN ('ca', 'server', 'client')),
    subject text NOT NULL,
    "user" text,
    groups_json text NOT NULL,
    hosts_json text NOT NULL,
    key_type text NOT NULL,
    origin text NOT NULL,
    destination text,
    not_before bigint NOT NULL,
    not_after bigint NOT NULL,
    issued_at bigint NOT NULL,
    status text NOT NULL CHECK (status IN ('valid', 'revoked')),
    revoked_at bigint,
    revocation_reason text,
    pem text NOT NULL,
    change_seq bigint NOT NULL DEFAULT 0
  );
  CREATE INDEX certificates_by_user ON certificates ("user", not_after);
  CREATE INDEX certificates_by_change ON certificates (change_seq);
  CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
  CREATE TABLE change_counter (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), seq bigint NOT NULL);
  INSERT INTO change_counter (seq) VALUES (0);
  CREATE FUNCTION dockauth_certificate_changed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE change_counter SET seq = seq + 1 RETURNING seq INTO NEW.change_seq;
    PERFORM pg_notify('dockauth_certificates', NEW.change_seq::text);
    RETURN NEW;
  END $$;
  CREATE TRIGGER certificates_changed BEFORE INSERT OR UPDATE ON certificates
    FOR EACH ROW EXECUTE FUNCTION dockauth_certificate_changed();
  `,
  // 2: signing requests, how login nodes without the CA key get client certificates:
  // they queue a user's name and public key, the CA host signs (signing-service.ts).
  // Who asked is the database's session user, set here whatever the insert says; a
  // request starts pending and only the CA host's role can answer it.
  `
  CREATE TABLE signing_requests (
    id bigserial PRIMARY KEY,
    requested_at bigint NOT NULL,
    requested_by text NOT NULL,
    host text NOT NULL,
    "user" text NOT NULL,
    groups_json text NOT NULL,
    public_key_pem text NOT NULL,
    key_type text NOT NULL,
    duration_ms bigint,
    destination text,
    state text NOT NULL CHECK (state IN ('pending', 'signed', 'refused')),
    serial text REFERENCES certificates (serial),
    error text,
    answered_at bigint
  );
  CREATE INDEX signing_requests_pending ON signing_requests (id) WHERE state = 'pending';
  CREATE FUNCTION dockauth_signing_request_queued() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    NEW.requested_by := session_user;
    NEW.state := 'pending';
    NEW.serial := NULL;
    NEW.error := NULL;
    NEW.answered_at := NULL;
    RETURN NEW;
  END $$;
  CREATE TRIGGER signing_requests_queued BEFORE INSERT ON signing_requests
    FOR EACH ROW EXECUTE FUNCTION dockauth_signing_request_queued();
  CREATE FUNCTION dockauth_signing_request_changed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify(CASE WHEN TG_OP = 'INSERT' THEN 'dockauth_signing_requests' ELSE 'dockauth_signing_answers' END, NEW.id::text);
    RETURN NEW;
  END $$;
  CREATE TRIGGER signing_requests_changed AFTER INSERT OR UPDATE ON signing_requests
    FOR EACH ROW EXECUTE FUNCTION dockauth_signing_request_changed();
  `,
];

export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;
/** Announces committed certificate changes; the payload is the change number. */
export const CHANGES_CHANNEL = 'dockauth_certificates';
/** pg_advisory_xact_lock key for migrations and CA creation ("dockauth" in ASCII, truncated). */
export const SCHEMA_LOCK = 0x646f636b61;

export async function schemaVersion(client: pg.ClientBase): Promise<number> {
  const exists = await client.query(`SELECT to_regclass('dockauth_schema') IS NOT NULL AS present`);
  if (!exists.rows[0].present) return 0;
  const result = await client.query('SELECT max(version) AS version FROM dockauth_schema');
  return Number(result.rows[0].version ?? 0);
}

/** Brings the schema to this dockauth's version; refuses one written by a newer dockauth. */
export async function migrateSchema(client: pg.ClientBase, where: string): Promise<{ from: number; to: number }> {
  // Current already: no lock and no CREATE (a login node's role may not create tables).
  const current = await schemaVersion(client);
  assertNotNewer(current, where);
  if (current === MIGRATIONS.length) return { from: current, to: current };
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS dockauth_schema (version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())');
    const from = await schemaVersion(client);
    assertNotNewer(from, where);
    for (let version = from + 1; version <= MIGRATIONS.length; version++) {
      await client.query(MIGRATIONS[version - 1]!);
      await client.query('INSERT INTO dockauth_schema (version) VALUES ($1)', [version]);
    }
    await client.query('COMMIT');
    return { from, to: MIGRATIONS.length };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** For readers (the plugin's role may not migrate): the schema must be exactly this version. */
export async function assertSchemaCurrent(client: pg.ClientBase, where: string): Promise<void> {
  const version = await schemaVersion(client);
  assertNotNewer(version, where);
  if (version < POSTGRES_SCHEMA_VERSION) {
    throw new InputError(`failed to open inventory ${where}: its schema is version ${version}, this dockauth reads ${POSTGRES_SCHEMA_VERSION}`, {
      hint: 'run any dockauth command on the CA host first (it migrates the schema), e.g. dockauth ca show',
    });
  }
}

function assertNotNewer(version: number, where: string): void {
  if (version > MIGRATIONS.length) {
    throw new InputError(`failed to open inventory ${where}: its schema version is ${version}, this dockauth reads up to ${MIGRATIONS.length}`, {
      hint: 'upgrade dockauth on this host to the version the CA host runs',
    });
  }
}
