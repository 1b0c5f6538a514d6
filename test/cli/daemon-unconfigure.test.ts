import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockauth } from '../support/dockauth.js';
import { makeTempDir, snapshotTree } from '../support/temp.js';

describe('daemon unconfigure: daemon.json and the drop-in as they were before dockauth', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let state: string;
  let ssl: string;
  let unit: string;
  const run = (...args: string[]): ReturnType<typeof dockauth> => dockauth(['--dir', state, '--json', ...args]);
  const paths = (name: string): { daemonJson: string; dropin: string; args: string[] } => {
    const dir = join(temp.dir, name);
    mkdirSync(dir, { recursive: true });
    const daemonJson = join(dir, 'daemon.json');
    const dropin = join(dir, 'docker.service.d', 'dockauth.conf');
    return { daemonJson, dropin, args: ['--daemon-json', daemonJson, '--systemd-dropin', dropin] };
  };

  beforeAll(() => {
    temp = makeTempDir();
    state = join(temp.dir, 'state');
    ssl = join(temp.dir, 'ssl');
    unit = join(temp.dir, 'docker.service');
    writeFileSync(unit, '[Service]\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n');
    expect(run('ca', 'init').status).toBe(0);
    expect(run('server', 'issue', '--host', 'docker.example.org', '--out', ssl).status).toBe(0);
  });
  afterAll(() => temp.cleanup());

  test('from the backup, byte for byte and with its mode; the drop-in goes; a second run changes nothing', () => {
    const { daemonJson, dropin, args } = paths('backup');
    // A hand-written file: tabs, an odd key order, no final newline.
    const original = '{\n\t"debug": true,\n\t"authorization-plugins": ["other"],\n\t"log-opts": {"labels": "x"}\n}';
    writeFileSync(daemonJson, original);
    chmodSync(daemonJson, 0o640);
    expect(run('daemon', 'configure', ...args, '--tls-dir', ssl, '--systemd-unit', unit).status).toBe(0);
    expect(existsSync(dropin)).toBe(true);
    expect(readFileSync(daemonJson, 'utf8')).toContain('tlsverify');

    const before = snapshotTree(temp.dir);
    const dry = run('--dry-run', 'daemon', 'unconfigure', ...args);
    expect(dry).toMatchObject({ status: 0, json: { changed: true, dryRun: true } });
    expect(snapshotTree(temp.dir)).toEqual(before);

    const undone = run('daemon', 'unconfigure', ...args);
    expect(undone).toMatchObject({ status: 0, json: { changed: true, from: expect.stringContaining('daemon.json.dockauth-backup-') } });
    expect(readFileSync(daemonJson, 'utf8')).toBe(original);
    expect(statSync(daemonJson).mode & 0o777).toBe(0o640);
    expect(existsSync(dropin)).toBe(false);
    expect(run('daemon', 'unconfigure', ...args)).toMatchObject({ status: 0, json: { changed: false } });
  });

  test('a daemon.json dockauth created is removed', () => {
    const { daemonJson, dropin, args } = paths('created');
    expect(run('daemon', 'configure', ...args, '--tls-dir', ssl, '--systemd-unit', unit).status).toBe(0);
    expect(run('daemon', 'unconfigure', ...args)).toMatchObject({ status: 0, json: { changed: true, from: null } });
    expect([existsSync(daemonJson), existsSync(dropin)]).toEqual([false, false]);
  });

  test('changed since: exactly dockauth\'s keys go, the site\'s later edits stay', () => {
    const { daemonJson, args } = paths('edited');
    writeFileSync(daemonJson, '{\n  "debug": true\n}\n');
    expect(run('daemon', 'configure', ...args, '--tls-dir', ssl, '--systemd-unit', unit).status).toBe(0);
    const configured = JSON.parse(readFileSync(daemonJson, 'utf8')) as Record<string, unknown>;
    writeFileSync(daemonJson, `${JSON.stringify({ ...configured, 'live-restore': true }, null, 2)}\n`);
    const undone = run('daemon', 'unconfigure', ...args);
    expect(undone.status).toBe(0);
    expect(undone.json.keysRemoved.sort()).toEqual(['authorization-plugins', 'hosts', 'log-opts', 'tls', 'tlscacert', 'tlscert', 'tlskey', 'tlsverify']);
    expect(readFileSync(daemonJson, 'utf8')).toBe('{\n  "debug": true,\n  "live-restore": true\n}\n');
  });

  test('a drop-in dockauth did not write is left, and said so', () => {
    const { dropin, args } = paths('foreign');
    mkdirSync(join(dropin, '..'), { recursive: true });
    writeFileSync(dropin, '[Service]\nLimitNOFILE=1048576\n');
    const result = run('daemon', 'unconfigure', ...args);
    expect(result).toMatchObject({ status: 0, json: { changed: false } });
    expect(result.stderr).toContain('was not written by dockauth');
    expect(readFileSync(dropin, 'utf8')).toBe('[Service]\nLimitNOFILE=1048576\n');
  });
});
