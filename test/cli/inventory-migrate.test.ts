import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dockauth } from '../support/dockauth.js';
import { describeWithPostgres, startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { makeTempDir, snapshotTree } from '../support/temp.js';

/** `dockauth inventory migrate --to postgres://…`: every row, serial and revocation kept; once only. */
describeWithPostgres('inventory migrate from SQLite into PostgreSQL', () => {
  let db: TestPostgres;
  let temp: ReturnType<typeof makeTempDir>;
  let dir: string;
  const run = (...args: string[]) => dockauth(['--dir', dir, ...args]);
  const listing = () => {
    const result = run('--json', 'user', 'list');
    expect(result.status).toBe(0);
    return result.json;
  };

  beforeAll(async () => {
    db = await startTestPostgres();
    temp = makeTempDir();
    dir = join(temp.dir, 'state');
    expect(run('ca', 'init', '--cn', 'One-host CA').status).toBe(0);
    expect(run('user', 'add', 'ann', 'ben', 'cat', 'dan', '--out', join(temp.dir, 'ship')).status).toBe(0);
    expect(run('user', 'revoke', 'ben', '--reason', 'keyCompromise', '--docker-socket', 'none').status).toBe(0);
    expect(run('user', 'renew', 'cat', '--within', '400', '--out', join(temp.dir, 'ship')).status).toBe(0);
    expect(run('crl').status).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await db?.cleanup();
    temp?.cleanup();
  });

  test('bad input and --dry-run change nothing, here or in the database', async () => {
    const before = snapshotTree(dir);
    for (const args of [[], ['--to', `postgres://dockauth_ca:pw@127.0.0.1:${db.port}/dockauth`], ['--to', 'sqlite:///tmp/x']]) {
      const result = run('inventory', 'migrate', ...args);
      expect([result.status, result.stderr]).toEqual([2, expect.stringMatching(/--to|password|only postgres/)]);
    }
    const dry = run('--dry-run', 'inventory', 'migrate', '--to', db.owner.url, '--inventory-password-file', db.owner.passwordFile);
    expect([dry.status, dry.stderr]).toEqual([0, '']);
    expect(dry.stdout).toMatch(/would move 6 certificates \(2 revoked\)/);
    expect(snapshotTree(dir)).toEqual(before);
    const admin = await db.admin();
    expect(Number((await admin.query('SELECT count(*) AS n FROM certificates')).rows[0].n)).toBe(0);
    await admin.end();
  });

  test('every row, serial, status, revocation and the CRL number move; the commands then read the database', async () => {
    const before = listing();
    const admin = await db.admin();
    const result = run('--json', 'inventory', 'migrate', '--to', db.owner.url, '--inventory-password-file', db.owner.passwordFile);
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(result.json).toMatchObject({ changed: true, copied: true, certificates: 6, revoked: 2, crlNumber: '3' });
    expect(existsSync(join(dir, 'inventory.db'))).toBe(false);
    expect(readdirSync(dir).some((name) => name.startsWith('inventory.db.migrated-'))).toBe(true);
    const rows = (await admin.query(`SELECT serial, "user", status, revocation_reason, revoked_at FROM certificates ORDER BY serial`)).rows;
    expect(rows).toHaveLength(6);
    expect(rows.filter((row) => row.status === 'revoked').map((row) => [row.user, row.revocation_reason]).sort()).toEqual([
      ['ben', 'keyCompromise'],
      ['cat', 'superseded'],
    ]);
    expect((await admin.query(`SELECT value FROM meta WHERE key = 'crl_number'`)).rows[0].value).toBe('3');
    await admin.end();
    // The same listing, now from PostgreSQL; the next CRL continues the numbering.
    expect(listing()).toEqual(before);
    expect(run('crl').status).toBe(0);
    const again = await db.admin();
    expect((await again.query(`SELECT value FROM meta WHERE key = 'crl_number'`)).rows[0].value).toBe('4');
    await again.end();
  });

  test('a second run is refused (exit 2) and changes nothing', () => {
    const before = snapshotTree(dir);
    const result = run('inventory', 'migrate', '--to', db.owner.url, '--inventory-password-file', db.owner.passwordFile);
    expect([result.status, result.stderr]).toEqual([2, expect.stringMatching(/already shared[\s\S]*runs once/)]);
    expect(snapshotTree(dir)).toEqual(before);
  });
});
