import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { makeTempDir } from './temp.js';

/** The server binaries: Debian's postgresql-NN (the newest installed). */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  return versions.map((version) => join(root, version, 'bin')).find((dir) => existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb')));
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresSkipReason(): string | undefined {
  if (!binDir()) return 'PostgreSQL server binaries are not installed (/usr/lib/postgresql/NN/bin; apt-get install postgresql)';
  if (process.geteuid?.() !== 0) return 'starting a private PostgreSQL needs root (to run it as the unprivileged account nobody)';
  return undefined;
}

/**
 * describe() for a PostgreSQL suite: skipped with the reason when the server is absent, but
 * failing under DOCKAUTH_E2E=required (CI), as the end-to-end suite treats missing engines.
 */
export function describeWithPostgres(title: string, body: () => void): void {
  const skip = postgresSkipReason();
  if (skip && process.env.DOCKAUTH_E2E === 'required') {
    describe(title, () => {
      test('PostgreSQL is available (DOCKAUTH_E2E=required)', () => {
        throw new Error(`cannot run: ${skip}`);
      });
    });
    return;
  }
  if (skip) {
    describe(title, () => test.skip(`skipped: ${skip}`, () => undefined));
    return;
  }
  describe(title, body);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface DatabaseRole {
  name: string;
  password: string;
  /** A 0600 file holding the password (root's, as dockauth's would be). */
  passwordFile: string;
  /** postgres://NAME@127.0.0.1:PORT/dockauth — no password in it. */
  url: string;
}

export interface TestPostgres {
  port: number;
  /** The CA host's role: owns the database, creates and migrates the schema. */
  owner: DatabaseRole;
  /** The plugins' role: may read, not write (SELECT granted by default privileges). */
  reader: DatabaseRole;
  /** The login nodes' role: reads, and may queue signing requests once grantLoginNodes() ran. */
  login: DatabaseRole;
  /** After the CA host made the schema: what docs/multi-host.md has the administrator grant login nodes. */
  grantLoginNodes(): Promise<void>;
  /** A superuser connection for the test's own checks. */
  admin(): Promise<pg.Client>;
  stop(): Promise<void>;
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * A private PostgreSQL for one test file: its own data directory (owned by nobody, who runs
 * the server), a free port on 127.0.0.1, password authentication, and the two roles dockauth
 * uses. Stopped and removed by cleanup().
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = binDir() as string;
  const temp = makeTempDir('dockauth-pg-');
  chmodSync(temp.dir, 0o755); // nobody must reach its data directory inside
  const data = join(temp.dir, 'data');
  const sockets = join(temp.dir, 'sockets');
  const secrets = join(temp.dir, 'secrets');
  mkdirSync(data, { mode: 0o700 });
  mkdirSync(sockets, { mode: 0o755 });
  mkdirSync(secrets, { mode: 0o700 });
  const nobody = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
  chownSync(data, nobody, nobody);
  chownSync(sockets, nobody, nobody);
  const superPassword = randomBytes(12).toString('hex');
  const superFile = join(temp.dir, 'super.pass');
  writeFileSync(superFile, `${superPassword}\n`, { mode: 0o600 });
  chownSync(superFile, nobody, nobody);
  execFileSync('runuser', ['-u', 'nobody', '--', join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--pwfile', superFile, '-A', 'scram-sha-256', '--no-sync', '-E', 'UTF8'], { stdio: 'ignore' });
  const port = await freePort();
  let server: ChildProcess | undefined;
  let log = '';

  const connectAs = (user: string, password: string, database = 'postgres'): pg.Client =>
    new pg.Client({ host: '127.0.0.1', port, user, password, database, connectionTimeoutMillis: 2000 });

  const start = async (): Promise<void> => {
    // setpriv execs postgres itself (runuser would stay as its parent and not pass signals on).
    server = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', join(bin, 'postgres'), '-D', data, '-p', String(port), '-k', sockets, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], { stdio: ['ignore', 'ignore', 'pipe'] });
    server.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    for (let attempt = 0; ; attempt++) {
      const client = connectAs('postgres', superPassword);
      try {
        await client.connect();
        await client.end();
        return;
      } catch (error) {
        await client.end().catch(() => undefined);
        if (attempt > 150 || server.exitCode !== null) throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };

  const stop = async (): Promise<void> => {
    const running = server;
    server = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    // SIGINT: PostgreSQL's fast shutdown (clients are disconnected).
    running.kill('SIGINT');
    await exited;
  };

  await start();
  const role = (name: string): DatabaseRole => {
    const password = randomBytes(12).toString('hex');
    const passwordFile = join(secrets, `${name}.pass`);
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    return { name, password, passwordFile, url: `postgres://${name}@127.0.0.1:${port}/dockauth` };
  };
  const owner = role('dockauth_ca');
  const reader = role('dockauth_plugin');
  const login = role('dockauth_login');
  const admin = async (database = 'postgres'): Promise<pg.Client> => {
    const client = connectAs('postgres', superPassword, database);
    await client.connect();
    return client;
  };
  const setup = await admin();
  await setup.query(`CREATE ROLE ${owner.name} LOGIN PASSWORD '${owner.password}'`);
  await setup.query(`CREATE ROLE ${reader.name} LOGIN PASSWORD '${reader.password}'`);
  await setup.query(`CREATE ROLE ${login.name} LOGIN PASSWORD '${login.password}'`);
  await setup.query(`CREATE DATABASE dockauth OWNER ${owner.name}`);
  await setup.end();
  // What docs/multi-host.md tells the administrator to run: readers get SELECT on what the CA host creates.
  const inDatabase = await admin('dockauth');
  await inDatabase.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner.name} IN SCHEMA public GRANT SELECT ON TABLES TO ${reader.name}, ${login.name}`);
  await inDatabase.end();

  return {
    port,
    owner,
    reader,
    login,
    grantLoginNodes: async () => {
      const client = await admin('dockauth');
      await client.query(`GRANT INSERT ON signing_requests TO ${login.name}`);
      await client.query(`GRANT USAGE ON SEQUENCE signing_requests_id_seq TO ${login.name}`);
      await client.end();
    },
    admin: () => admin('dockauth'),
    stop,
    start,
    cleanup: async () => {
      await stop();
      temp.cleanup();
    },
  };
}
