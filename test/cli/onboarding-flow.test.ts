import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { dockauth, dockauthAsync } from '../support/dockauth.js';
import { openssl } from '../support/openssl.js';
import { makeTempDir } from '../support/temp.js';
import { createUser, describeAsRoot, removeUser, type LocalUser } from '../support/users.js';

// The sysadmin's whole flow, as subprocesses: CA, server certificate, daemon.json, users.
describeAsRoot('ca init → server issue → daemon configure → user add', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let users: LocalUser[];
  let state: string;
  let ssl: string;
  let daemonJson: string;
  const base = (): string[] => ['--dir', state, '--json'];

  beforeAll(() => {
    temp = makeTempDir();
    state = join(temp.dir, 'state');
    ssl = join(temp.dir, 'ssl');
    daemonJson = join(temp.dir, 'daemon.json');
    users = [createUser('dafa'), createUser('dafb')];
  });
  afterAll(() => {
    users.forEach(removeUser);
    temp.cleanup();
  });

  test('ca init makes the CA; run again it changes nothing and says so', () => {
    const first = dockauth([...base(), 'ca', 'init', '--cn', 'Flow CA']);
    expect(first).toMatchObject({ status: 0, json: { changed: true, ca: { subject: 'CN=Flow CA', keyType: 'ecdsa-p256' } } });
    const mtime = statSync(join(state, 'ca.pem')).mtimeMs;
    const second = dockauth(['ca', 'init', '--cn', 'Other', ...base()]);
    expect(second).toMatchObject({ status: 0, json: { changed: false } });
    expect(statSync(join(state, 'ca.pem')).mtimeMs).toBe(mtime);
    expect(dockauth(['--dir', state, 'ca', 'init']).stdout).toContain('nothing changed');
  });

  test('server issue writes the three files with the default names added; again it is unchanged', () => {
    const result = dockauth([...base(), 'server', 'issue', '--host', 'docker.example.org', '--ip', '10.10.10.60', '--out', ssl]);
    expect(result.status).toBe(0);
    expect(result.json.hosts).toEqual(expect.arrayContaining(['docker.example.org', '10.10.10.60', 'localhost', '127.0.0.1', '::1']));
    expect(statSync(join(ssl, 'server-key.pem')).mode & 0o777).toBe(0o600);
    expect(openssl(['verify', '-CAfile', join(ssl, 'ca.pem'), '-purpose', 'sslserver', join(ssl, 'server-cert.pem')])).toContain('OK');
    const mtimes = ['ca.pem', 'server-cert.pem', 'server-key.pem'].map((name) => statSync(join(ssl, name)).mtimeMs);
    const again = dockauth([...base(), 'server', 'issue', '--host', 'docker.example.org', '--ip', '10.10.10.60', '--out', ssl]);
    expect(again).toMatchObject({ status: 0, json: { changed: false } });
    expect(['ca.pem', 'server-cert.pem', 'server-key.pem'].map((name) => statSync(join(ssl, name)).mtimeMs)).toEqual(mtimes);
    // Asking for a name the certificate lacks re-issues it.
    const more = dockauth([...base(), 'server', 'issue', '--host', 'docker.example.org', '--host', 'gpu01', '--ip', '10.10.10.60', '--out', ssl]);
    expect(more).toMatchObject({ status: 0, json: { changed: true } });
  });

  test('daemon configure merges into a daemon.json with other keys, keeps them, and backs up the old file', () => {
    const original = '{\n  "debug": true,\n  "data-root": "/srv/docker",\n  "authorization-plugins": ["other"],\n  "hosts": ["unix:///var/run/docker.sock"]\n}\n';
    writeFileSync(daemonJson, original);
    const unit = join(temp.dir, 'docker.service');
    writeFileSync(unit, '[Unit]\nDescription=Docker\n[Service]\nExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $DOCKER_OPTS\n');
    const dropin = join(temp.dir, 'docker.service.d', 'dockauth.conf');
    const args = [...base(), 'daemon', 'configure', '--daemon-json', daemonJson, '--tls-dir', ssl, '--systemd-unit', unit, '--systemd-dropin', dropin];
    const result = dockauth(args);
    expect(result.status).toBe(0);
    const config = JSON.parse(readFileSync(daemonJson, 'utf8'));
    expect(config).toEqual({
      debug: true,
      'data-root': '/srv/docker',
      'authorization-plugins': ['other', 'dockauth'],
      hosts: ['unix:///var/run/docker.sock', 'fd://', 'tcp://0.0.0.0:2376'],
      'log-opts': { 'max-size': '10m', 'max-file': '3' },
      tls: true,
      tlsverify: true,
      tlscacert: join(ssl, 'ca.pem'),
      tlscert: join(ssl, 'server-cert.pem'),
      tlskey: join(ssl, 'server-key.pem'),
    });
    expect(readFileSync(result.json.backup, 'utf8')).toBe(original);
    expect(readFileSync(dropin, 'utf8')).toContain('ExecStart=\nExecStart=/usr/sbin/dockerd --containerd=/run/containerd/containerd.sock $DOCKER_OPTS\n');
    const mtime = statSync(daemonJson).mtimeMs;
    expect(dockauth(args)).toMatchObject({ status: 0, json: { changed: false } });
    expect(statSync(daemonJson).mtimeMs).toBe(mtime);
  });

  test('user add installs each user\'s files, owned by them, key 0600, and openssl verifies the chain', () => {
    const [alice, bob] = users as [LocalUser, LocalUser];
    const result = dockauth([...base(), 'user', 'add', alice.name, bob.name, '--group', 'physics']);
    expect(result.status).toBe(0);
    expect(result.json.changed).toBe(true);
    for (const user of [alice, bob]) {
      const dir = join(user.home, '.docker');
      const dirStats = statSync(dir);
      expect([dirStats.uid, dirStats.gid, dirStats.mode & 0o777]).toEqual([user.uid, user.gid, 0o700]);
      for (const [name, mode] of [['ca.pem', 0o644], ['cert.pem', 0o644], ['key.pem', 0o600]] as const) {
        const stats = statSync(join(dir, name));
        expect([name, stats.uid, stats.gid, stats.mode & 0o777]).toEqual([name, user.uid, user.gid, mode]);
      }
      expect(openssl(['verify', '-CAfile', join(dir, 'ca.pem'), '-purpose', 'sslclient', join(dir, 'cert.pem')])).toContain('OK');
      expect(openssl(['x509', '-noout', '-subject', '-in', join(dir, 'cert.pem')]).trim()).toBe(`subject=O = physics, CN = ${user.name}`);
      expect(openssl(['pkey', '-pubout', '-in', join(dir, 'key.pem')])).toBe(openssl(['x509', '-noout', '-pubkey', '-in', join(dir, 'cert.pem')]));
    }
  });

  test('user add again changes nothing and keeps mtimes; list and show report the users', () => {
    const [alice, bob] = users as [LocalUser, LocalUser];
    const files = [alice, bob].flatMap((user) => ['ca.pem', 'cert.pem', 'key.pem'].map((name) => join(user.home, '.docker', name)));
    const mtimes = files.map((file) => statSync(file).mtimeMs);
    const again = dockauth([...base(), 'user', 'add', alice.name, bob.name, '--group', 'physics']);
    expect(again).toMatchObject({ status: 0, json: { changed: false } });
    expect(files.map((file) => statSync(file).mtimeMs)).toEqual(mtimes);
    const list = dockauth([...base(), 'user', 'list']);
    expect(list.json.users.map((user: { user: string }) => user.user)).toEqual([alice.name, bob.name].sort());
    const show = dockauth([...base(), 'user', 'show', alice.name]);
    expect(show.json.certificates).toHaveLength(1);
    expect(show.json.certificates[0]).toMatchObject({ status: 'valid', groups: ['physics'] });
  });

  test('changing groups re-issues and supersedes the old certificate', () => {
    const [alice] = users as [LocalUser];
    const before = dockauth([...base(), 'user', 'show', alice.name]).json.certificates[0].serial;
    const result = dockauth([...base(), 'user', 'add', alice.name, '--group', 'chemistry']);
    expect(result.json.users[0]).toMatchObject({ action: 'issued', why: expect.stringContaining('groups change from'), superseded: [before] });
    const show = dockauth([...base(), 'user', 'show', alice.name]).json;
    expect(show.certificates.find((c: { serial: string }) => c.serial === before)).toMatchObject({ status: 'revoked', revocationReason: 'superseded' });
  });

  test('renew re-issues only inside the window; revoke marks the inventory and the CRL', () => {
    const [, bob] = users as [LocalUser, LocalUser];
    expect(dockauth([...base(), 'user', 'renew', bob.name, '--within', '30'])).toMatchObject({ status: 0, json: { changed: false } });
    const renewed = dockauth([...base(), 'user', 'renew', '--all', '--within', '400']);
    expect(renewed.status).toBe(0);
    expect(renewed.json.users.every((user: { action: string }) => user.action === 'issued')).toBe(true);
    const revoke = dockauth([...base(), 'user', 'revoke', bob.name, '--reason', 'affiliation-changed']);
    expect(revoke).toMatchObject({ status: 0, json: { changed: true } });
    const serial = revoke.json.revoked[0].serial as string;
    const crl = openssl(['crl', '-noout', '-text', '-in', join(state, 'crl.pem')]);
    expect(crl).toContain(serial.toUpperCase());
    expect(crl).toContain('Affiliation Changed');
    expect(dockauth([...base(), 'user', 'revoke', bob.name])).toMatchObject({ status: 0, json: { changed: false } });
  });

  test('doctor is clean on this setup (a stand-in plugin answering), then reports a lax CA key and an exposed user key with their fixes and exits 1', async () => {
    // The plugin as dockerd sees it: a unix socket answering Plugin.Activate.
    const pluginSocket = join(temp.dir, 'dockauth.sock');
    const plugin = createServer((req, res) => req.resume().on('end', () => res.end(req.url === '/Plugin.Activate' ? '{"Implements":["authz"]}' : '{}')));
    await new Promise<void>((resolve) => plugin.listen(pluginSocket, resolve));
    const keyPath = join(state, 'ca-key.pem');
    const args = [...base(), 'doctor', '--daemon-json', daemonJson, '--socket', join(temp.dir, 'no.sock'), '--plugin-socket', pluginSocket];
    try {
      const healthy = await dockauthAsync(args);
      expect(healthy.json.findings.filter((finding: { severity: string }) => finding.severity === 'error')).toEqual([]);
      expect(healthy.json.findings).toContainEqual(expect.objectContaining({ severity: 'ok', check: 'plugin' }));
      expect(healthy.json.findings).toContainEqual(expect.objectContaining({ severity: 'ok', check: 'policy' }));
      expect(healthy.json.findings).toContainEqual(expect.objectContaining({ severity: 'ok', check: 'crl' }));
      expect(healthy.json.findings).toContainEqual(expect.objectContaining({ severity: 'ok', check: 'server-certificate' }));
      expect(healthy.status).toBe(0);
      chmodSync(keyPath, 0o644);
      try {
        const sick = await dockauthAsync(args);
        expect(sick.status).toBe(1);
        expect(sick.json.findings).toContainEqual(expect.objectContaining({ severity: 'error', check: 'ca-key', fix: `chmod 600 ${keyPath}` }));
      } finally {
        chmodSync(keyPath, 0o600);
      }
      // A user's key others could read has been exposed: an error, and the fix is a new key.
      const [alice] = users as [LocalUser, LocalUser];
      const aliceKey = join(alice.home, '.docker', 'key.pem');
      chmodSync(aliceKey, 0o644);
      try {
        const exposed = await dockauthAsync(args);
        expect(exposed.status).toBe(1);
        expect(exposed.json.findings.filter((finding: { severity: string }) => finding.severity === 'error')).toEqual([
          {
            severity: 'error',
            check: 'user-key',
            message: `${alice.name}: ${aliceKey} (mode 0644, uid ${alice.uid}) is readable by its group (gid ${alice.gid}) and every local user: the key is exposed`,
            fix: `dockauth user revoke ${alice.name} --reason keyCompromise && dockauth user add ${alice.name}`,
          },
        ]);
      } finally {
        chmodSync(aliceKey, 0o600);
      }
      // The plugin gone: dockerd would deny everything.
      plugin.close();
      const down = await dockauthAsync(args);
      expect(down.status).toBe(1);
      expect(down.json.findings).toContainEqual(expect.objectContaining({ severity: 'error', check: 'plugin', fix: 'systemctl enable --now dockauth-authz.service' }));
    } finally {
      plugin.close();
    }
  });
});
