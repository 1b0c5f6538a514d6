import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKAUTH_BIN, dockauth } from '../support/dockauth.js';
import { makeTempDir } from '../support/temp.js';

// The daily timer on a CA host with an encrypted key: renew what dockerd uses, not what was issued last.
describe('server renew renews what is in use, under the timer, with an encrypted CA key', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let state: string;
  let pass: string;
  let daemonJson: string;
  let local: string; // this host's dockerd's files, named in daemon.json
  let shipped: string; // another host's, issued here with --out afterwards
  const run = (...args: string[]) => dockauth(['--dir', state, '--json', '--ca-passphrase-file', pass, ...args]);
  const serial = (path: string): string => spawnSync('openssl', ['x509', '-noout', '-serial', '-in', path], { encoding: 'utf8' }).stdout.trim();

  beforeAll(() => {
    temp = makeTempDir();
    state = join(temp.dir, 'state');
    pass = join(temp.dir, 'ca.pass');
    writeFileSync(pass, 'correct horse battery staple\n', { mode: 0o600 });
    daemonJson = join(temp.dir, 'daemon.json');
    local = join(temp.dir, 'docker-ssl');
    shipped = join(temp.dir, 'ship', 'gpu01');
    expect(run('ca', 'init', '--cn', 'Renewal CA').status).toBe(0);
    expect(readFileSync(join(state, 'ca-key.pem'), 'utf8')).toContain('ENCRYPTED');
    expect(run('server', 'issue', '--host', 'login01', '--out', local).status).toBe(0);
    writeFileSync(daemonJson, JSON.stringify({ tls: true, tlscacert: join(local, 'ca.pem'), tlscert: join(local, 'server-cert.pem'), tlskey: join(local, 'server-key.pem') }));
    mkdirSync(join(temp.dir, 'ship'));
    expect(run('server', 'issue', '--host', 'gpu01', '--no-default-hosts', '--out', shipped).status).toBe(0);
  });
  afterAll(() => temp.cleanup());

  test('nothing due: nothing changes; a dry run names both certificates and changes nothing', () => {
    const before = [serial(join(local, 'server-cert.pem')), serial(join(shipped, 'server-cert.pem'))];
    const quiet = run('server', 'renew', '--daemon-json', daemonJson);
    expect(quiet).toMatchObject({ status: 0, json: { changed: false, out: local, restartNeeded: false } });
    // The fields server renew always had speak of dockerd's own certificate.
    expect(quiet.json.serial.toUpperCase()).toBe(before[0]!.replace('serial=', '').replace(/^0+/, ''));
    expect(quiet.json.certificates.map((c: { inUse: boolean; action: string }) => [c.inUse, c.action])).toEqual([[true, 'unchanged'], [false, 'unchanged']]);
    const dry = dockauth(['--dir', state, '--ca-passphrase-file', pass, 'server', 'renew', '--daemon-json', daemonJson, '--within', '400', '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`${join(local, 'server-cert.pem')} (dockerd's, named in ${daemonJson}): would renew`);
    expect(dry.stdout).toContain(`${join(shipped, 'server-cert.pem')}: would renew`);
    expect([serial(join(local, 'server-cert.pem')), serial(join(shipped, 'server-cert.pem'))]).toEqual(before);
  });

  test('the renewal unit passes the passphrase as a credential; its ExecStart lines renew both and say dockerd must restart', () => {
    const units = join(temp.dir, 'units');
    const made = dockauth(['--dir', state, 'systemd', '--out', units, '--exec', `${process.execPath} ${DOCKAUTH_BIN}`, '--within', '400', '--ca-passphrase-file', pass, '--daemon-json', daemonJson]);
    expect(made.status).toBe(0);
    const unit = readFileSync(join(units, 'dockauth-renew.service'), 'utf8');
    expect(unit).toContain(`LoadCredential=dockauth-ca-passphrase:${pass}`);
    expect(unit).not.toContain('correct horse');
    expect(unit).not.toContain('--restart-dockerd');
    const lines = unit.split('\n').filter((line) => line.startsWith('ExecStart=')).map((line) => line.slice('ExecStart='.length).split(' '));
    expect(lines).toHaveLength(2);

    // Without the credential, as the timer ran before: the encrypted key cannot be used.
    const [command, ...args] = lines[0] as [string, ...string[]];
    const bare = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, DOCKAUTH_DIR: undefined } });
    expect(bare.status).not.toBe(0);

    // As systemd runs it: the credential in a private directory.
    const credentials = join(temp.dir, 'credentials');
    mkdirSync(credentials, { mode: 0o700 });
    copyFileSync(pass, join(credentials, 'dockauth-ca-passphrase'));
    chmodSync(join(credentials, 'dockauth-ca-passphrase'), 0o400);
    const before = { local: serial(join(local, 'server-cert.pem')), shipped: serial(join(shipped, 'server-cert.pem')) };
    const outputs = lines.map(([exec, ...rest]) => spawnSync(exec as string, rest, { encoding: 'utf8', env: { ...process.env, DOCKAUTH_DIR: undefined, CREDENTIALS_DIRECTORY: credentials } }));
    for (const output of outputs) expect({ status: output.status, stderr: output.stderr }).toEqual({ status: 0, stderr: '' });
    const server = outputs[0]!.stdout;
    expect(server).toContain(`${join(local, 'server-cert.pem')} (dockerd's, named in ${daemonJson}): renewed`);
    expect(server).toContain(`${join(shipped, 'server-cert.pem')}: renewed`);
    expect(server).toContain('restart it to use the new one');
    expect(serial(join(local, 'server-cert.pem'))).not.toBe(before.local);
    expect(serial(join(shipped, 'server-cert.pem'))).not.toBe(before.shipped);
    const key = spawnSync('openssl', ['pkey', '-pubout', '-in', join(local, 'server-key.pem')], { encoding: 'utf8' }).stdout;
    expect(spawnSync('openssl', ['x509', '-noout', '-pubkey', '-in', join(local, 'server-cert.pem')], { encoding: 'utf8' }).stdout).toBe(key);
    // The names stay: login01 for this host, gpu01 alone for the other.
    expect(spawnSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName', '-in', join(shipped, 'server-cert.pem')], { encoding: 'utf8' }).stdout).toContain('DNS:gpu01');
    const list = run('user', 'list');
    expect(list.status).toBe(0);
  });

  test('with --restart-dockerd the unit asks for it; the option is the site\'s', () => {
    const units = join(temp.dir, 'units-restart');
    expect(dockauth(['--dir', state, 'systemd', '--out', units, '--exec', `${process.execPath} ${DOCKAUTH_BIN}`, '--restart-dockerd']).status).toBe(0);
    expect(readFileSync(join(units, 'dockauth-renew.service'), 'utf8')).toMatch(/ExecStart=.* server renew --within 30 --restart-dockerd\n/);
  });
});
