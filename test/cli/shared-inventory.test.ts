import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockauth, dockauthAsync } from '../support/dockauth.js';
import { describeWithPostgres, startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { makeTempDir, snapshotTree } from '../support/temp.js';

/**
 * The inventory on a real PostgreSQL the test starts itself: `ca init --inventory`, the
 * commands reading and writing it, parallel issuing without a lost row or a repeated serial,
 * a docker host joining without the key, and a reader role that cannot write.
 */
describeWithPostgres('the inventory shared on PostgreSQL', () => {
  let db: TestPostgres;
  let temp: ReturnType<typeof makeTempDir>;
  let caDir: string;
  const ca = (...args: string[]) => dockauth(['--dir', caDir, ...args]);

  beforeAll(async () => {
    db = await startTestPostgres();
    temp = makeTempDir();
    caDir = join(temp.dir, 'ca-host');
  }, 120_000);
  afterAll(async () => {
    await db?.cleanup();
    temp?.cleanup();
  });

  test('bad input changes nothing: a password in the URL, a readable password file, not postgres, --join without --inventory', () => {
    const readable = join(temp.dir, 'readable.pass');
    writeFileSync(readable, 'secret\n', { mode: 0o644 });
    const before = snapshotTree(temp.dir);
    const cases: Array<[string[], RegExp]> = [
      [['--inventory', `postgres://dockauth_ca:${db.owner.password}@127.0.0.1:${db.port}/dockauth`], /carries a password/],
      [['--inventory', db.owner.url, '--inventory-password-file', readable], /lets group or others read it/],
      [['--inventory', 'mysql://x@127.0.0.1/dockauth'], /only postgres:\/\/ inventories/],
      [['--inventory', `postgres://x@127.0.0.1:${db.port}`], /no database named/],
      [['--join'], /--join needs --inventory/],
      [['--inventory-password-file', db.owner.passwordFile], /goes with --inventory/],
      [['--inventory', db.owner.url, '--force'], /cannot replace a CA whose inventory is shared/],
    ];
    for (const [args, message] of cases) {
      const result = ca('ca', 'init', '--cn', 'Fleet CA', ...args);
      expect([result.status, result.stderr]).toEqual([2, expect.stringMatching(message)]);
      expect(result.stderr).not.toContain(db.owner.password);
    }
    expect(snapshotTree(temp.dir)).toEqual(before);
  });

  test('ca init --inventory makes the CA here and its schema there; the password stays in its file', async () => {
    const result = ca('--json', 'ca', 'init', '--cn', 'Fleet CA', '--inventory', db.owner.url, '--inventory-password-file', db.owner.passwordFile);
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(result.json.changed).toBe(true);
    expect(existsSync(join(caDir, 'inventory.db'))).toBe(false);
    const settings = readFileSync(join(caDir, 'inventory.json'), 'utf8');
    expect(JSON.parse(settings)).toEqual({ url: db.owner.url, passwordFile: db.owner.passwordFile });
    expect(settings).not.toContain(db.owner.password);
    expect(statSync(join(caDir, 'inventory.json')).mode & 0o077).toBe(0);
    const admin = await db.admin();
    try {
      expect((await admin.query('SELECT max(version)::int AS v FROM dockauth_schema')).rows[0].v).toBe(2);
      expect((await admin.query(`SELECT subject FROM certificates WHERE profile = 'ca'`)).rows).toEqual([{ subject: 'CN=Fleet CA' }]);
    } finally {
      await admin.end();
    }
    // Again: nothing changes. A second CA host on the same database is refused.
    expect(ca('--json', 'ca', 'init', '--inventory', db.owner.url, '--inventory-password-file', db.owner.passwordFile).json.changed).toBe(false);
    const other = dockauth(['--dir', join(temp.dir, 'rogue'), 'ca', 'init', '--cn', 'Rogue', '--inventory', db.owner.url, '--inventory-password-file', db.owner.passwordFile]);
    expect([other.status, other.stderr]).toEqual([2, expect.stringMatching(/already holds the CA "CN=Fleet CA"[\s\S]*--join/)]);
    expect(existsSync(join(temp.dir, 'rogue', 'ca-key.pem'))).toBe(false);
  });

  test('16 user add processes at once against the database: 16 rows, 16 distinct serials, none lost', async () => {
    const users = Array.from({ length: 16 }, (_, index) => `pg${index}`);
    const results = await Promise.all(users.map((user) => dockauthAsync(['--dir', caDir, '--json', 'user', 'add', user, '--out', join(temp.dir, 'out')])));
    expect(results.map((result) => [result.status, result.stderr])).toEqual(users.map(() => [0, '']));
    const serials = results.map((result) => result.json.users[0].serial as string);
    expect(new Set(serials).size).toBe(16);
    const admin = await db.admin();
    try {
      const rows = (await admin.query(`SELECT serial, "user", change_seq FROM certificates WHERE profile = 'client' ORDER BY change_seq`)).rows;
      expect(rows.map((row) => row.user).sort()).toEqual([...users].sort());
      expect(rows.map((row) => row.serial).sort()).toEqual([...serials].sort());
      // Change numbers: one per write, never repeated.
      expect(new Set(rows.map((row) => row.change_seq)).size).toBe(16);
    } finally {
      await admin.end();
    }
    const list = ca('--json', 'user', 'list');
    expect(list.status).toBe(0);
    expect(JSON.stringify(list.json)).toContain('pg15');
  });

  test('revoke and crl read and write the database; the CRL lists the revoked serial', () => {
    const revoked = ca('--json', 'user', 'revoke', 'pg3', '--docker-socket', 'none');
    expect([revoked.status, revoked.stderr]).toEqual([0, '']);
    const serial = revoked.json.revoked?.[0]?.serial ?? revoked.json.serials?.[0];
    expect(typeof serial).toBe('string');
    const show = ca('--json', 'user', 'show', 'pg3');
    expect(JSON.stringify(show.json)).toContain('revoked');
    expect(ca('crl').status).toBe(0);
    expect(existsSync(join(caDir, 'crl.pem'))).toBe(true);
  });

  test('a docker host joins without the key; its reader role cannot write; doctor says so', async () => {
    const hostDir = join(temp.dir, 'docker-host');
    const joined = dockauth(['--dir', hostDir, '--json', 'ca', 'init', '--join', '--inventory', db.reader.url, '--inventory-password-file', db.reader.passwordFile]);
    expect([joined.status, joined.stderr]).toEqual([0, '']);
    expect(readFileSync(join(hostDir, 'ca.pem'), 'utf8')).toBe(readFileSync(join(caDir, 'ca.pem'), 'utf8'));
    expect(existsSync(join(hostDir, 'ca-key.pem'))).toBe(false);
    // Signing here fails at run time: the key is on the CA host only.
    const add = dockauth(['--dir', hostDir, 'user', 'add', 'nokey', '--out', join(temp.dir, 'nokey')]);
    expect(add.status).not.toBe(0);
    const doctor = dockauth(['--dir', hostDir, 'doctor']);
    expect(doctor.stdout).toMatch(/shared inventory postgres:\/\/dockauth_plugin@127\.0\.0\.1:\d+\/dockauth answers \(schema 2, \d+ certificates\)/);
    expect(doctor.stdout).toContain('no CA key on this host');
    expect(doctor.stdout).not.toContain('may change the inventory');
    const pg = (await import('pg')).default;
    const reader = new pg.Client({ host: '127.0.0.1', port: db.port, user: db.reader.name, password: db.reader.password, database: 'dockauth' });
    await reader.connect();
    try {
      expect(Number((await reader.query('SELECT count(*) AS n FROM certificates')).rows[0].n)).toBeGreaterThan(16);
      await expect(reader.query(`UPDATE certificates SET status = 'valid'`)).rejects.toThrow(/permission denied/);
      await expect(reader.query(`INSERT INTO meta VALUES ('x', 'y')`)).rejects.toThrow(/permission denied/);
    } finally {
      await reader.end();
    }
  });
});
