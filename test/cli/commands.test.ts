import { chmodSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { DOCKAUTH_BIN, dockauth } from '../support/dockauth.js';
import { openssl } from '../support/openssl.js';
import { makeTempDir, snapshotTree } from '../support/temp.js';

describe('dockauth commands beyond the basic flow', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let state: string;
  const run = (...args: string[]): ReturnType<typeof dockauth> => dockauth(['--dir', state, '--json', ...args]);

  beforeEach(() => {
    temp = makeTempDir();
    state = join(temp.dir, 'state');
  });
  afterEach(() => temp.cleanup());

  test('a reader that stops early (`user list --json | head`) is no failure: exit 0, nothing on stderr', () => {
    const names = join(temp.dir, 'names.txt');
    expect(dockauth(['--dir', state, 'ca', 'init', '-y']).status).toBe(0);
    // Enough users that the listing overflows the pipe after head has gone.
    writeFileSync(names, Array.from({ length: 1500 }, (_, index) => `reader${index}`).join('\n'));
    expect(dockauth(['--dir', state, 'user', 'add', '--from', names, '--out', join(temp.dir, 'out'), '-y']).status).toBe(0);
    const piped = spawnSync('bash', ['-c', `"${process.execPath}" "${DOCKAUTH_BIN}" --dir "${state}" --json user list | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect({ status: piped.stdout.trim(), stderr: piped.stderr }).toEqual({ status: '0', stderr: '' });
  });

  test('--dry-run shows the plan and writes nothing, from ca init to user add', () => {
    const before = snapshotTree(temp.dir);
    const dry = dockauth(['--dir', state, '--dry-run', 'ca', 'init', '--cn', 'Dry CA']);
    expect(dry).toMatchObject({ status: 0, stdout: expect.stringContaining('would create a CA') });
    expect(snapshotTree(temp.dir)).toEqual(before);

    expect(run('ca', 'init', '--cn', 'Dry CA').status).toBe(0);
    const ssl = join(temp.dir, 'ssl');
    const daemonJson = join(temp.dir, 'daemon.json');
    writeFileSync(daemonJson, '{\n  "debug": true\n}\n');
    const snapshot = snapshotTree(temp.dir);
    const server = run('--dry-run', 'server', 'issue', '--host', 'h', '--out', ssl);
    expect(server.json).toMatchObject({ changed: true, dryRun: true });
    const users = run('--dry-run', 'user', 'add', 'alice', '--out', join(temp.dir, 'out'));
    expect(users.json.users[0]).toMatchObject({ action: 'would issue', changed: true });
    expect(snapshotTree(temp.dir)).toEqual(snapshot);

    expect(run('server', 'issue', '--host', 'h', '--out', ssl).status).toBe(0);
    const afterIssue = snapshotTree(temp.dir);
    const configure = dockauth(['--dir', state, '--dry-run', 'daemon', 'configure', '--daemon-json', daemonJson, '--tls-dir', ssl, '--systemd-dropin', join(temp.dir, 'd', 'x.conf')]);
    expect(configure.status).toBe(0);
    expect(configure.stdout).toContain(`would update ${daemonJson}`);
    expect(configure.stdout).toContain('+   "tlsverify": true,');
    expect(configure.stdout).toContain('-   "debug": true');
    expect(snapshotTree(temp.dir)).toEqual(afterIssue);
  });

  test('sign: a user\'s own CSR becomes a certificate openssl verifies; a CSR for someone else is refused', () => {
    expect(run('ca', 'init', '--cn', 'Sign CA').status).toBe(0);
    const key = join(temp.dir, 'key.pem');
    const csr = join(temp.dir, 'alice.csr');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', '/CN=alice', '-out', csr]);
    const out = join(temp.dir, 'alice-cert.pem');
    const signed = run('sign', '--csr', csr, '--user', 'alice', '--group', 'lab', '--out', out);
    expect(signed).toMatchObject({ status: 0, json: { changed: true, user: 'alice' } });
    writeFileSync(join(temp.dir, 'ca.pem'), readFileSync(join(state, 'ca.pem')));
    expect(openssl(['verify', '-CAfile', join(temp.dir, 'ca.pem'), '-purpose', 'sslclient', out])).toContain('OK');
    expect(openssl(['x509', '-noout', '-pubkey', '-in', out])).toBe(openssl(['pkey', '-pubout', '-in', key]));
    const before = snapshotTree(temp.dir);
    const refused = dockauth(['--dir', state, 'sign', '--csr', csr, '--user', 'bob']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('its CN is "alice", not the user "bob"');
    expect(snapshotTree(temp.dir)).toEqual(before);
  });

  test('crl publishes into the state directory and --out', () => {
    expect(run('ca', 'init').status).toBe(0);
    expect(run('user', 'add', 'carol', '--out', join(temp.dir, 'out')).status).toBe(0);
    expect(run('user', 'revoke', 'carol', '--reason', 'keyCompromise').status).toBe(0);
    const out = join(temp.dir, 'published.crl');
    expect(run('crl', '--out', out)).toMatchObject({ status: 0, json: { changed: true, revoked: 1 } });
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(state, 'crl.pem'), 'utf8'));
    expect(openssl(['crl', '-noout', '-text', '-in', out])).toContain('Key Compromise');
  });

  test('ca init --force replaces the CA and keeps the old one, inventory included, as a backup', () => {
    expect(run('ca', 'init', '--cn', 'Old CA').status).toBe(0);
    expect(run('user', 'add', 'dave', '--out', join(temp.dir, 'out')).status).toBe(0);
    const oldCa = readFileSync(join(state, 'ca.pem'), 'utf8');
    const forced = run('ca', 'init', '--cn', 'New CA', '--force');
    expect(forced).toMatchObject({ status: 0, json: { changed: true, ca: { subject: 'CN=New CA' } } });
    const backup = forced.json.backup as string;
    expect(readFileSync(join(backup, 'ca.pem'), 'utf8')).toBe(oldCa);
    expect(readdirSync(backup).sort()).toEqual(['ca-key.pem', 'ca.pem', 'inventory.db']);
    expect(run('user', 'list').json.users).toEqual([]);
  });

  test('ca init from a cfssl ca-csr.json, and from an imported openssl CA with its passphrase file', () => {
    const csr = join(temp.dir, 'ca-csr.json');
    writeFileSync(csr, JSON.stringify({ CN: 'NoverIT', key: { algo: 'ecdsa', size: 384 }, names: [{ C: 'IT', O: 'My Own CA' }], ca: { expiry: '43800h' } }));
    const made = run('ca', 'init', '--csr', csr);
    expect(made).toMatchObject({ status: 0, json: { ca: { subject: 'C=IT, O=My Own CA, CN=NoverIT', keyType: 'ecdsa-p384' } } });

    const key = join(temp.dir, 'old-key.pem');
    openssl(['genrsa', '-traditional', '-aes256', '-passout', 'pass:s3cret', '-out', key, '2048']);
    const cert = join(temp.dir, 'old-ca.pem');
    openssl(['req', '-x509', '-new', '-key', key, '-passin', 'pass:s3cret', '-subj', '/CN=Old CA', '-days', '30', '-out', cert,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    const passphrase = join(temp.dir, 'pass');
    writeFileSync(passphrase, 's3cret\n', { mode: 0o644 });
    const imported = join(temp.dir, 'imported');
    const lax = dockauth(['--dir', imported, 'ca', 'init', '--import-cert', cert, '--import-key', key, '--ca-passphrase-file', passphrase]);
    expect(lax.status).toBe(2);
    expect(lax.stderr).toContain(`chmod 600 ${passphrase}`);
    expect(existsSync(imported)).toBe(false);
    chmodSync(passphrase, 0o600);
    const ok = dockauth(['--dir', imported, '--json', 'ca', 'init', '--import-cert', cert, '--import-key', key, '--ca-passphrase-file', passphrase]);
    expect(ok).toMatchObject({ status: 0, json: { ca: { subject: 'CN=Old CA', keyType: 'rsa-2048' } } });
    expect(readFileSync(join(imported, 'ca-key.pem'), 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    // Signing needs the passphrase; without it the error says how to give it.
    const without = dockauth(['--dir', imported, 'user', 'add', 'erin', '--out', join(temp.dir, 'out')]);
    expect(without.status).toBe(2);
    expect(without.stderr).toContain('DOCKAUTH_CA_PASSPHRASE');
    const withEnv = dockauth(['--dir', imported, 'user', 'add', 'erin', '--out', join(temp.dir, 'out')], { env: { DOCKAUTH_CA_PASSPHRASE: 's3cret' } });
    expect(withEnv.status).toBe(0);
  });

  test('renew --all puts each new certificate where the old one was installed', () => {
    expect(run('ca', 'init').status).toBe(0);
    const ship = join(temp.dir, 'ship');
    expect(run('user', 'add', 'frank', 'gina', '--out', ship, '--days', '10').status).toBe(0);
    const before = readFileSync(join(ship, 'frank', 'cert.pem'), 'utf8');
    const renewed = run('user', 'renew', '--all', '--within', '30');
    expect(renewed.status).toBe(0);
    expect(renewed.json.users.map((user: { dir: string }) => user.dir).sort()).toEqual([join(ship, 'frank'), join(ship, 'gina')]);
    const after = readFileSync(join(ship, 'frank', 'cert.pem'), 'utf8');
    expect(after).not.toBe(before);
    expect(openssl(['verify', '-CAfile', join(ship, 'frank', 'ca.pem'), join(ship, 'frank', 'cert.pem')])).toContain('OK');
    expect(run('user', 'renew', '--all', '--within', '30').json.changed).toBe(false);
  });

  test('doctor flags a docker socket that others can reach', async () => {
    expect(run('ca', 'init').status).toBe(0);
    const socket = join(temp.dir, 'docker.sock');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      chmodSync(socket, 0o666);
      const result = run('doctor', '--daemon-json', join(temp.dir, 'none.json'), '--socket', socket);
      expect(result.status).toBe(1);
      expect(result.json.findings).toContainEqual(expect.objectContaining({ severity: 'error', check: 'socket', message: expect.stringContaining('open to every local user') }));
      chmodSync(socket, 0o600);
      const owner = statSync(socket).uid;
      const fixed = run('doctor', '--daemon-json', join(temp.dir, 'none.json'), '--socket', socket);
      const socketErrors = fixed.json.findings.filter((f: { check: string; severity: string }) => f.check === 'socket' && f.severity === 'error');
      expect(socketErrors).toHaveLength(owner === 0 ? 0 : 1);
    } finally {
      server.close();
    }
  });
});
