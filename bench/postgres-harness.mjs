// A private PostgreSQL for the benchmarks (as test/support/postgres.ts makes one for the tests):
// Debian's server binaries run as nobody on a data directory of their own, a free port on
// 127.0.0.1, password authentication, one role owning the database `dockauth`.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function postgresBinDir() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  return readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => b - a).map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'postgres')));
}

const freePort = () => new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

export async function startBenchPostgres() {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'dockauth-bench-pg-'));
  chmodSync(dir, 0o755);
  for (const sub of ['data', 'sockets']) {
    mkdirSync(join(dir, sub), { mode: 0o700 });
    chownSync(join(dir, sub), 65534, 65534);
  }
  const superPassword = randomBytes(12).toString('hex');
  writeFileSync(join(dir, 'super.pass'), `${superPassword}\n`, { mode: 0o600 });
  chownSync(join(dir, 'super.pass'), 65534, 65534);
  const asNobody = ['--reuid=65534', '--regid=65534', '--clear-groups', '--'];
  execFileSync('setpriv', [...asNobody, join(bin, 'initdb'), '-D', join(dir, 'data'), '-U', 'postgres', '--pwfile', join(dir, 'super.pass'), '-A', 'scram-sha-256', '--no-sync'], { stdio: 'ignore' });
  const port = await freePort();
  const server = spawn('setpriv', [...asNobody, join(bin, 'postgres'), '-D', join(dir, 'data'), '-p', String(port), '-k', join(dir, 'sockets'), '-c', 'listen_addresses=127.0.0.1'], { stdio: 'ignore' });
  const password = randomBytes(12).toString('hex');
  const passwordFile = join(dir, 'dockauth.pass');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  const psql = (sql, db = 'postgres') => execFileSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db, '-qc', sql], { env: { ...process.env, PGPASSWORD: superPassword }, stdio: 'pipe' });
  for (let i = 0; ; i++) {
    try {
      psql('SELECT 1');
      break;
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  psql(`CREATE ROLE dockauth LOGIN PASSWORD '${password}'`);
  psql('CREATE DATABASE dockauth OWNER dockauth');
  return {
    url: `postgres://dockauth@127.0.0.1:${port}/dockauth`,
    passwordFile,
    stop() {
      server.kill('SIGINT');
      setTimeout(() => rmSync(dir, { recursive: true, force: true }), 2000).unref();
    },
  };
}
