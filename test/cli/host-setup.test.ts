import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockauth } from '../support/dockauth.js';
import { openssl } from '../support/openssl.js';
import { makeTempDir, snapshotTree } from '../support/temp.js';

describe('host setup: profile.d, subordinate ids, systemd units, docker contexts', () => {
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

  test('profile-d defaults to the server certificate\'s name on port 2376, and a second run changes nothing', () => {
    const out = join(temp.dir, 'profile.d');
    const first = run('profile-d', '--out', out);
    expect(first).toMatchObject({ status: 0, json: { changed: true, dockerHost: 'tcp://docker.example.org:2376' } });
    const shell = spawnSync('dash', ['-c', `set -eu; . ${join(out, 'dockauth.sh')}; echo "$DOCKER_HOST"`], {
      encoding: 'utf8',
      env: { HOME: join(temp.dir, 'ssl', '..', 'home') },
    });
    expect(shell.stdout.trim()).toBe(''); // no certificates in that home: nothing set
    expect(run('profile-d', '--out', out).json.changed).toBe(false);
    const bad = dockauth(['--dir', state, 'profile-d', '--out', out, '--docker-host', 'tcp://docker.example.org']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('port is missing');
  });

  test('subid add appends once, keeps everything else, and refuses a malformed file untouched', () => {
    const subuid = join(temp.dir, 'subuid');
    const subgid = join(temp.dir, 'subgid');
    writeFileSync(subuid, '# ranges\nroot:100000:65536\n');
    writeFileSync(subgid, 'root:100000:65536\n');
    // nobody: an account every system has (ranges go only to accounts that exist).
    const args = ['subid', 'add', 'nobody', '--subuid', subuid, '--subgid', subgid, '--login-defs', join(temp.dir, 'none')];
    expect(run(...args)).toMatchObject({ status: 0, json: { changed: true, subuid: { start: 165536, count: 65536 } } });
    expect(readFileSync(subuid, 'utf8')).toBe('# ranges\nroot:100000:65536\nnobody:165536:65536\n');
    expect(run(...args).json.changed).toBe(false);
    writeFileSync(subgid, 'root:100000:65536\nbroken line\n');
    const before = snapshotTree(temp.dir);
    const refused = dockauth(['--dir', state, ...args]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${subgid}: line 2 is not NAME:START:COUNT`);
    expect(snapshotTree(temp.dir)).toEqual(before);
  });

  test('subid add --count takes a number of ids (100000 is not "days"); refuses zero, words and an unknown account, writing nothing', () => {
    const subuid = join(temp.dir, 'count-subuid');
    const subgid = join(temp.dir, 'count-subgid');
    writeFileSync(subuid, 'root:100000:65536\n');
    writeFileSync(subgid, 'root:100000:65536\n');
    const files = ['--subuid', subuid, '--subgid', subgid, '--login-defs', join(temp.dir, 'none')];
    const big = run('subid', 'add', 'nobody', '--count', '100000', ...files);
    expect(big).toMatchObject({ status: 0, json: { changed: true, subuid: { start: 165536, count: 100000 }, subgid: { start: 165536, count: 100000 } } });
    expect(readFileSync(subgid, 'utf8')).toBe('root:100000:65536\nnobody:165536:100000\n');
    const before = snapshotTree(temp.dir);
    for (const count of ['0', '-5', 'lots', '1.5', '99999999999']) {
      const refused = dockauth(['--dir', state, 'subid', 'add', 'daemon', '--count', count, ...files]);
      expect({ count, status: refused.status, stderr: refused.stderr }).toEqual({ count, status: 2, stderr: expect.stringContaining('is not a number of ids') });
    }
    const ghost = dockauth(['--dir', state, 'subid', 'add', 'nosuchuser4711', ...files]);
    expect(ghost.status).toBe(2);
    expect(ghost.stderr).toContain('no such account');
    expect(ghost.stderr).toContain('useradd --system nosuchuser4711');
    expect(snapshotTree(temp.dir)).toEqual(before);
  });

  test('systemd writes the plugin\'s socket unit beside its service, and says to enable both', () => {
    const units = join(temp.dir, 'units-socket');
    const result = dockauth(['--dir', state, 'systemd', '--out', units]);
    expect(result.status).toBe(0);
    expect(readFileSync(join(units, 'dockauth-authz.socket'), 'utf8')).toMatch(/^ListenStream=\/run\/docker\/plugins\/dockauth\.sock$/m);
    expect(readFileSync(join(units, 'dockauth-authz.service'), 'utf8')).toMatch(/^Requires=dockauth-authz\.socket$/m);
    expect(result.stdout).toContain('systemctl enable --now dockauth-authz.socket dockauth-authz.service dockauth-renew.timer');
    expect(run('systemd', '--out', units).json).toMatchObject({ changed: false, units: expect.arrayContaining([join(units, 'dockauth-authz.socket')]) });
  });

  test('the renewal unit\'s own ExecStart lines renew what expires soon', () => {
    const units = join(temp.dir, 'units');
    expect(run('systemd', '--out', units).status).toBe(0);
    expect(run('user', 'add', 'soon', '--out', join(temp.dir, 'ship'), '--days', '20').status).toBe(0);
    const before = readFileSync(join(temp.dir, 'ship', 'soon', 'cert.pem'), 'utf8');
    const service = readFileSync(join(units, 'dockauth-renew.service'), 'utf8');
    for (const line of service.match(/^ExecStart=(.*)$/gm) ?? []) {
      const argv = line.slice('ExecStart='.length).split(' ');
      const result = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });
      expect({ line, status: result.status, stderr: result.stderr }).toEqual({ line, status: 0, stderr: '' });
    }
    const after = readFileSync(join(temp.dir, 'ship', 'soon', 'cert.pem'), 'utf8');
    expect(after).not.toBe(before);
    const days = (pem: string): number => (new Date(openssl(['x509', '-noout', '-enddate'], pem).trim().slice(9)).getTime() - Date.now()) / 86_400_000;
    expect(days(after)).toBeGreaterThan(300);
  });

  const docker = spawnSync('sh', ['-c', 'command -v docker']).status === 0;
  (docker ? test : test.skip)('user add --context makes a context the docker CLI lists with our host', () => {
    const ship = join(temp.dir, 'ctx');
    const result = run('user', 'add', 'ctxuser', '--out', ship, '--context');
    expect(result.status).toBe(0);
    const listed = spawnSync('docker', ['context', 'inspect', 'dockauth', '--format', '{{.Endpoints.docker.Host}} {{.Endpoints.docker.SkipTLSVerify}}'], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_CONFIG: join(ship, 'ctxuser') },
    });
    expect(listed.stdout.trim()).toBe('tcp://docker.example.org:2376 false');
    expect(run('user', 'add', 'ctxuser', '--out', ship, '--context').json.changed).toBe(false);
  });
});
