import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockauth } from '../support/dockauth.js';
import { openssl } from '../support/openssl.js';
import { makeTempDir, snapshotTree } from '../support/temp.js';

describe('the gateway layout: its certificate, daemon.json, the units', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let state: string;
  const run = (...args: string[]): ReturnType<typeof dockauth> => dockauth(['--dir', state, '--json', ...args]);

  beforeAll(() => {
    temp = makeTempDir();
    state = join(temp.dir, 'state');
    expect(run('ca', 'init').status).toBe(0);
    expect(run('server', 'issue', '--host', 'docker.example.org', '--out', join(temp.dir, 'ssl')).status).toBe(0);
  });
  afterAll(() => temp.cleanup());

  test('gateway issue writes a client certificate of the CA\'s, root\'s and 0600, and a second run changes nothing', () => {
    const first = run('gateway', 'issue');
    expect(first).toMatchObject({ status: 0, json: { changed: true, certificate: join(state, 'dockauth-gateway', 'cert.pem') } });
    const dir = join(state, 'dockauth-gateway');
    expect(openssl(['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'cert.pem')])).toContain(': OK');
    const text = openssl(['x509', '-noout', '-subject', '-ext', 'extendedKeyUsage', '-in', join(dir, 'cert.pem')]);
    expect(text).toMatch(/CN ?= ?dockauth-gateway/);
    expect(text).toContain('TLS Web Client Authentication');
    expect(text).not.toContain('Server Authentication');
    expect(spawnSync('stat', ['-c', '%a', join(dir, 'key.pem')], { encoding: 'utf8' }).stdout.trim()).toBe('600');
    expect(run('gateway', 'issue').json.changed).toBe(false);
  });

  test('daemon configure --gateway moves dockerd\'s TLS listener to loopback and names the gateway\'s address', () => {
    const daemonJson = join(temp.dir, 'daemon.json');
    writeFileSync(daemonJson, '{"log-level": "warn"}\n');
    writeFileSync(join(temp.dir, 'docker.service'), '[Service]\nExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock\n');
    const configure = ['daemon', 'configure', '--gateway', '--daemon-json', daemonJson, '--tls-dir', join(temp.dir, 'ssl'), '--systemd-dropin', join(temp.dir, 'dropin.conf'), '--systemd-unit', join(temp.dir, 'docker.service')];
    const result = run(...configure);
    expect(result).toMatchObject({ status: 0, json: { changed: true, gateway: { listen: 'tcp://0.0.0.0:2376', upstream: 'tcp://127.0.0.1:2377' } } });
    const config = JSON.parse(readFileSync(daemonJson, 'utf8')) as { hosts: string[]; 'log-level': string };
    expect(config.hosts).toContain('tcp://127.0.0.1:2377');
    expect(config.hosts).not.toContain('tcp://0.0.0.0:2376');
    expect(config['log-level']).toBe('warn');
    // A listener users could reach from elsewhere is refused, and nothing is written.
    const before = snapshotTree(temp.dir);
    const refused = dockauth(['--dir', state, ...configure, '--upstream', 'tcp://0.0.0.0:2377']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('in the gateway layout dockerd listens on loopback only');
    const malformed = dockauth(['--dir', state, ...configure, '--upstream', '127.0.0.1']);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('not tcp://HOST:PORT');
    expect(snapshotTree(temp.dir)).toEqual(before);
  });

  test('systemd --gateway adds the gateway\'s unit, has the plugin trust its certificate and the timer renew it', () => {
    const units = join(temp.dir, 'units');
    const result = dockauth(['--dir', state, 'systemd', '--gateway', '--out', units]);
    expect(result.status).toBe(0);
    const gateway = readFileSync(join(units, 'dockauth-gateway.service'), 'utf8');
    expect(gateway).toMatch(/^ExecStart=.* gateway serve --dir \S+ --listen tcp:\/\/0\.0\.0\.0:2376 --upstream tcp:\/\/127\.0\.0\.1:2377$/m);
    expect(readFileSync(join(units, 'dockauth-authz.service'), 'utf8')).toContain(`--gateway-certificate ${join(state, 'dockauth-gateway', 'cert.pem')}`);
    expect(readFileSync(join(units, 'dockauth-renew.service'), 'utf8')).toMatch(/^ExecStart=.* gateway issue --within 30$/m);
    expect(result.stdout).toContain('dockauth-gateway.service');
    const verify = spawnSync('systemd-analyze', ['verify', join(units, 'dockauth-gateway.service')], { encoding: 'utf8' });
    if (verify.error === undefined) expect(verify.stderr).not.toMatch(/dockauth-gateway\.service:\d+:/);
    const before = snapshotTree(temp.dir);
    const refused = dockauth(['--dir', state, 'systemd', '--gateway', '--out', units, '--listen', 'docker.example.org']);
    expect(refused.status).toBe(2);
    expect(snapshotTree(temp.dir)).toEqual(before);
  });

  test('doctor checks the gateway layout: its certificate, something answering, dockerd on loopback only', () => {
    const daemonJson = join(temp.dir, 'exposed.json');
    writeFileSync(daemonJson, JSON.stringify({ hosts: ['unix:///var/run/docker.sock', 'tcp://0.0.0.0:2376'] }));
    const findings = (): Array<Record<string, string>> => (dockauth(['--dir', state, '--json', 'doctor', '--daemon-json', daemonJson, '--gateway', 'tcp://127.0.0.1:1', '--plugin-socket', join(temp.dir, 'none.sock'), '--socket', join(temp.dir, 'none.sock')]).json as { findings: Array<Record<string, string>> }).findings;
    const gateway = findings().filter((finding) => (finding.check ?? '').startsWith('gateway'));
    expect(gateway).toEqual(expect.arrayContaining([
      expect.objectContaining({ check: 'gateway certificate', severity: 'ok' }),
      expect.objectContaining({ check: 'gateway layout', severity: 'error', message: expect.stringContaining('tcp://0.0.0.0:2376') }),
      expect.objectContaining({ check: 'gateway', severity: 'error', fix: 'systemctl enable --now dockauth-gateway.service' }),
    ]));
    expect(run('user', 'revoke', 'dockauth-gateway', '--docker-socket', 'none').status).toBe(0);
    expect(findings()).toEqual(expect.arrayContaining([expect.objectContaining({ check: 'gateway certificate', severity: 'error', fix: 'dockauth gateway issue' })]));
    expect(run('gateway', 'issue').json.changed).toBe(true);
  });

  test('gateway serve says what is missing, and exits 2', () => {
    const result = dockauth(['--dir', state, 'gateway', 'serve', '--tls-dir', join(temp.dir, 'nowhere'), '--listen', 'tcp://127.0.0.1:1']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(join(temp.dir, 'nowhere', 'ca.pem'));
    expect(result.stderr).toContain('dockauth server issue');
  });
});
