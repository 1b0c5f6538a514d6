import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKAUTH_BIN, dockauth, dockauthAsync } from '../support/dockauth.js';
import { ping, pollUntil, startPluginProcess, type PluginProcess } from '../support/plugin-client.js';
import { describeWithPostgres, startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { makeTempDir } from '../support/temp.js';

// Accounts every Debian system has: the plugin looks users up on its host.
const USERS = ['daemon', 'bin', 'sys', 'games', 'man', 'lp', 'mail', 'news'];
const GRACE_S = 3;

/**
 * A fleet on one machine: one CA host (with the key, running `ca serve`), two login nodes
 * (no key: they queue requests the CA host signs), three docker hosts (each its own plugin
 * process, state directory and socket, joined with a read-only role), one PostgreSQL.
 * A revocation on the CA host is refused on every docker host within a second (measured and
 * reported); with the database stopped, decisions go on from memory for the policy's grace,
 * then TLS users are denied, and come back when it does, with no plugin restarted.
 */
describeWithPostgres('one CA, three docker hosts, one PostgreSQL', () => {
  let db: TestPostgres;
  let temp: ReturnType<typeof makeTempDir>;
  let caDir: string;
  const plugins: PluginProcess[] = [];
  const loginDirs: string[] = [];
  let signer: ChildProcess;
  let signerLog = '';
  const certificates = new Map<string, string>();
  const report: string[] = [];
  const allowedEverywhere = async (user: string): Promise<boolean[]> =>
    Promise.all(plugins.map(async (plugin) => (await ping(plugin.socket, user, certificates.get(user)!)).Allow));

  beforeAll(async () => {
    db = await startTestPostgres();
    temp = makeTempDir();
    caDir = join(temp.dir, 'ca-host');
    const init = dockauth(['--dir', caDir, 'ca', 'init', '--cn', 'Fleet CA', '--inventory', db.owner.url, '--inventory-password-file', db.owner.passwordFile]);
    expect([init.status, init.stderr]).toEqual([0, '']);
    await db.grantLoginNodes();
    signer = spawn(process.execPath, [DOCKAUTH_BIN, '--dir', caDir, 'ca', 'serve'], { stdio: ['ignore', 'ignore', 'pipe'] });
    signer.stderr!.on('data', (chunk: Buffer) => (signerLog += chunk.toString()));
    for (const name of ['login1', 'login2']) {
      const dir = join(temp.dir, name);
      const joined = dockauth(['--dir', dir, 'ca', 'init', '--join', '--inventory', db.login.url, '--inventory-password-file', db.login.passwordFile]);
      expect([joined.status, joined.stderr]).toEqual([0, '']);
      loginDirs.push(dir);
    }
    for (const name of ['docker1', 'docker2', 'docker3']) {
      const dir = join(temp.dir, name);
      const joined = dockauth(['--dir', dir, 'ca', 'init', '--join', '--inventory', db.reader.url, '--inventory-password-file', db.reader.passwordFile]);
      expect([joined.status, joined.stderr]).toEqual([0, '']);
      writeFileSync(join(dir, 'policy.yaml'), `version: 1\nbase:\n  allow: [system.ping]\ninventory: { unreachable_grace: ${GRACE_S} }\n`);
      plugins.push(await startPluginProcess(dir, join(temp.dir, `${name}.sock`), join(temp.dir, `${name}.owners.jsonl`)));
    }
  }, 120_000);

  afterAll(async () => {
    for (const plugin of plugins) await plugin.stop();
    signer?.kill('SIGTERM');
    await db?.cleanup();
    temp?.cleanup();
    if (report.length > 0) console.log(`multi-host measurements:\n  ${report.join('\n  ')}`);
  });

  test('users onboarded from two login nodes in parallel (the CA host signs): distinct serials, none lost, allowed everywhere', async () => {
    // Each login node adds every other user, one process per user, all at once.
    const runs = USERS.map((user, index) =>
      dockauthAsync(['--dir', loginDirs[index % 2]!, '--json', 'user', 'add', user, '--out', join(temp.dir, 'ship')]),
    );
    const results = await Promise.all(runs);
    const returned = Date.now();
    expect(results.map((result) => [result.status, result.stderr])).toEqual(USERS.map(() => [0, '']));
    const serials = results.map((result) => result.json.users[0].serial as string);
    expect(new Set(serials).size).toBe(USERS.length);
    for (const user of USERS) certificates.set(user, readFileSync(join(temp.dir, 'ship', user, 'cert.pem'), 'utf8'));
    const admin = await db.admin();
    const rows = (await admin.query(`SELECT c.serial, c."user", r.requested_by, r.host FROM certificates c JOIN signing_requests r ON r.serial = c.serial ORDER BY c."user"`)).rows;
    await admin.end();
    expect(rows.map((row) => row.user)).toEqual([...USERS].sort());
    expect(rows.map((row) => row.serial).sort()).toEqual([...serials].sort());
    expect(new Set(rows.map((row) => row.requested_by))).toEqual(new Set([db.login.name]));
    expect(existsSync(join(loginDirs[0]!, 'ca-key.pem')) || existsSync(join(loginDirs[1]!, 'ca-key.pem'))).toBe(false);
    expect(signerLog).toMatch(/signed [0-9a-f]+ for daemon, asked by dockauth_login/);
    const took = await pollUntil(async () => (await Promise.all(USERS.map(allowedEverywhere))).flat().every(Boolean), 5000);
    expect(took).toBeDefined();
    report.push(`${USERS.length} users onboarded from 2 login nodes in parallel; known to all 3 docker hosts ${Date.now() - returned} ms after the last user add returned`);
  });

  test('a revocation on the CA host is refused on all three docker hosts within one second', async () => {
    expect(await allowedEverywhere('daemon')).toEqual([true, true, true]);
    const revoked = dockauth(['--dir', caDir, '--json', 'user', 'revoke', 'daemon', '--docker-socket', 'none']);
    expect([revoked.status, revoked.stderr]).toEqual([0, '']);
    const admin = await db.admin();
    const revokedAt = Number((await admin.query(`SELECT max(revoked_at) AS at FROM certificates WHERE "user" = 'daemon'`)).rows[0].at);
    await admin.end();
    // From the revocation's own timestamp (taken before its commit) to the first refusal on each host.
    const refusedAfter = await Promise.all(
      plugins.map(async (plugin) => {
        await pollUntil(async () => !(await ping(plugin.socket, 'daemon', certificates.get('daemon')!)).Allow, 10_000, 5);
        return Date.now() - revokedAt;
      }),
    );
    report.push(`revocation refused on the 3 docker hosts ${refusedAfter.join(' / ')} ms after the CA host's revocation timestamp`);
    for (const ms of refusedAfter) expect(ms).toBeLessThan(1000);
    const refusal = await ping(plugins[0]!.socket, 'daemon', certificates.get('daemon')!);
    expect(refusal.Msg).toMatch(/was revoked/);
    expect(await allowedEverywhere('bin')).toEqual([true, true, true]);
  });

  test('after its connection is cut, a plugin catches up on a revocation made meanwhile', async () => {
    const admin = await db.admin();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [db.reader.name]);
    await admin.end();
    const revoked = dockauth(['--dir', caDir, 'user', 'revoke', 'bin', '--docker-socket', 'none']);
    expect(revoked.status).toBe(0);
    const took = await pollUntil(async () => (await allowedEverywhere('bin')).every((allowed) => !allowed), 10_000);
    expect(took).toBeDefined();
    report.push(`revocation made while the plugins reconnected: refused everywhere ${took} ms after user revoke returned`);
  });

  test('database stopped: decisions from memory within the grace, then TLS users denied, then back with no restart', async () => {
    const pids = plugins.map((plugin) => plugin.process.pid);
    expect(await allowedEverywhere('sys')).toEqual([true, true, true]);
    const stoppedAt = Date.now(); // the plugins lose their connections during the shutdown
    await db.stop();
    // Within the grace: still allowed, from memory (checked at once, well inside 3 s).
    expect(await allowedEverywhere('sys')).toEqual([true, true, true]);
    expect(await allowedEverywhere('bin')).toEqual([false, false, false]); // a revocation learnt before stays learnt
    const deniedAfter = await pollUntil(async () => (await allowedEverywhere('sys')).every((allowed) => !allowed), 20_000, 50);
    expect(deniedAfter).toBeDefined();
    const denial = await ping(plugins[1]!.socket, 'sys', certificates.get('sys')!);
    expect(denial.Msg).toMatch(/unreachable/);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(GRACE_S * 1000 - 100);
    report.push(`database stopped: TLS users denied ${Date.now() - stoppedAt} ms later (grace ${GRACE_S} s)`);
    for (const plugin of plugins) expect(plugin.log()).toMatch(/lost the inventory .*deciding from the \d+ certificates in memory/);
    for (const plugin of plugins) expect(plugin.log()).toMatch(/denying TLS users until it is back/);
    const doctor = dockauth(['--dir', join(temp.dir, 'docker1'), 'doctor']);
    expect(doctor.stdout + doctor.stderr).toMatch(/failed to reach the inventory[\s\S]*denies every TLS user/);

    await db.start();
    const backAfter = await pollUntil(async () => (await allowedEverywhere('sys')).every(Boolean), 20_000, 50);
    expect(backAfter).toBeDefined();
    report.push(`database back: decisions normal again ${backAfter} ms after it accepted connections`);
    expect(plugins.map((plugin) => plugin.process.pid)).toEqual(pids);
    expect(plugins.every((plugin) => plugin.process.exitCode === null)).toBe(true);
    for (const plugin of plugins) expect(plugin.log()).toMatch(/is back after/);
    expect(await allowedEverywhere('bin')).toEqual([false, false, false]);
  }, 90_000);
});
