import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKAUTH_BIN, dockauth } from '../support/dockauth.js';
import { makeTempDir } from '../support/temp.js';

describe('dockauth authz', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let state: string;
  beforeAll(() => {
    temp = makeTempDir();
    state = join(temp.dir, 'state');
    expect(dockauth(['--dir', state, 'ca', 'init']).status).toBe(0);
  });
  afterAll(() => temp.cleanup());

  test('init writes the bundled policy once and never over an edited one', () => {
    expect(dockauth(['--dir', state, '--json', 'authz', 'init'])).toMatchObject({ status: 0, json: { changed: true } });
    const path = join(state, 'policy.yaml');
    writeFileSync(path, `${readFileSync(path, 'utf8')}# site edit\n`);
    const mtime = statSync(path).mtimeMs;
    expect(dockauth(['--dir', state, '--json', 'authz', 'init'])).toMatchObject({ status: 0, json: { changed: false } });
    expect(statSync(path).mtimeMs).toBe(mtime);
  });

  test('check explains a denial in the user\'s terms and exits 1; an allowed command exits 0', () => {
    expect(dockauth(['--dir', state, 'user', 'add', 'nobody', '--out', join(temp.dir, 'ship')]).status).toBe(0);
    const denied = dockauth(['--dir', state, 'authz', 'check', '--user', 'nobody', '--', 'run', '--privileged', '-v', '/:/host', 'alpine']);
    expect(denied.status).toBe(1);
    expect(denied.stdout).toContain('DENY  POST /containers/create (container.create) for nobody');
    expect(denied.stdout).toContain('--privileged is not allowed');
    expect(denied.stdout).toContain('-v /:/host: / is outside the directories you may mount');
    const nobody = readFileSync('/etc/passwd', 'utf8').split('\n').find((line) => line.startsWith('nobody:'))!.split(':');
    const own = `${nobody[2]}:${nobody[3]}`;
    const allowed = dockauth(['--dir', state, '--json', 'authz', 'check', '--user', 'nobody', '--', 'run', '-u', own, '--security-opt', 'no-new-privileges', 'busybox:1.36', 'id']);
    expect(allowed).toMatchObject({ status: 0, json: { allow: true, action: 'container.create' } });
    const volume = dockauth(['--dir', state, 'authz', 'check', '--user', 'nobody', '--', 'volume', 'create', '-o', 'o=bind', '-o', 'device=/etc', 'v']);
    expect(volume.stdout).toContain('volume options (-o o -o device) are not allowed');
  });

  test('check makes the plugin\'s identity checks: a user without a valid certificate is refused, revoked ones included', () => {
    const stranger = dockauth(['--dir', state, 'authz', 'check', '--user', 'daemon', '--', 'volume', 'create', 'v']);
    expect(stranger.status).toBe(1);
    expect(stranger.stdout).toContain('daemon has no certificate from this CA: dockauth user add daemon');
    expect(dockauth(['--dir', state, 'user', 'add', 'daemon', '--out', join(temp.dir, 'ship')]).status).toBe(0);
    expect(dockauth(['--dir', state, 'authz', 'check', '--user', 'daemon', '--', 'volume', 'create', 'v']).status).toBe(0);
    expect(dockauth(['--dir', state, 'user', 'revoke', 'daemon']).status).toBe(0);
    const revoked = dockauth(['--dir', state, 'authz', 'check', '--user', 'daemon', '--', 'volume', 'create', 'v']);
    expect(revoked.status).toBe(1);
    expect(revoked.stdout).toMatch(/daemon's certificate [0-9a-f]+ is revoked/);
  });

  test('check of an unknown docker flag is bad input (exit 2), pointing at --request', () => {
    const result = dockauth(['--dir', state, 'authz', 'check', '--user', 'nobody', '--', 'run', '--frobnicate', 'alpine']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--request FILE');
  });

  test('check reads each command\'s own flags and explains more commands (nobody holds a certificate from the test above)', () => {
    const check = (...words: string[]) => dockauth(['--dir', state, '--json', 'authz', 'check', '--user', 'nobody', '--', ...words]);
    // volume create's -d is its driver, not run's detach.
    expect(check('volume', 'create', '-d', 'nfs', 'v')).toMatchObject({ status: 1, json: { allow: false, action: 'volume.create', message: expect.stringContaining('volume driver nfs is not allowed') } });
    // The CLI pulls a bare name as :latest.
    expect(check('pull', 'busybox')).toMatchObject({ status: 0, json: { allow: true, action: 'image.pull' } });
    expect(check('pull', '-a', 'busybox')).toMatchObject({ status: 1, json: { message: expect.stringContaining('names no tag') } });
    expect(check('ps', '-a')).toMatchObject({ status: 0, json: { allow: true, action: 'container.list' } });
    expect(check('network', 'create', '-d', 'macvlan', 'n')).toMatchObject({ status: 1, json: { action: 'network.create', message: expect.stringContaining('network driver macvlan is not allowed') } });
    expect(check('build', '-t', 'nobody/x', '.')).toMatchObject({ status: 1, json: { action: 'image.build', message: expect.stringContaining('docker build is not enabled on this host') } });
    expect(check('cp', './f', 'web:/tmp')).toMatchObject({ status: 1, json: { action: 'container.archive.write', message: expect.stringContaining('container.archive.write is not allowed for nobody') } });
    expect(check('run', '--shm-size', '2g', 'busybox:1.36')).toMatchObject({ status: 1, json: { message: expect.stringContaining("--shm-size 2g is over this host's limit of 1g") } });
    for (const words of [['volume', 'ls'], ['volume', 'create', '--privileged', 'v'], ['pull', '--frobnicate', 'busybox']]) {
      const result = dockauth(['--dir', state, 'authz', 'check', '--user', 'nobody', '--', ...words]);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('--request FILE');
    }
  });

  test('serve refuses to start on a broken policy, with line and column, exit 2', async () => {
    const broken = join(temp.dir, 'broken.yaml');
    writeFileSync(broken, 'version: 1\nbase:\n  allow: [system.ping\n');
    const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [DOCKAUTH_BIN, '--dir', state, 'authz', 'serve', '--policy', broken, '--socket', join(temp.dir, 'p.sock'), '--audit', 'none']);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stderr });
      });
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/broken\.yaml:\d+:\d+: /);
  });

  test('serve runs until SIGTERM, answering on its socket', async () => {
    const socket = join(temp.dir, 'serve.sock');
    const child = spawn(process.execPath, [DOCKAUTH_BIN, '--dir', state, 'authz', 'serve', '--socket', socket, '--audit', join(temp.dir, 'audit.log'), '--owners', join(temp.dir, 'owners.jsonl')]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    for (let i = 0; i < 100 && !stderr.includes('listening'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stderr).toContain(`listening on ${socket}`);
    const { request } = await import('node:http');
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request({ socketPath: socket, path: '/Plugin.Activate', method: 'POST' }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(JSON.parse(answer)).toEqual({ Implements: ['authz'] });
    const status = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.kill('SIGTERM');
    });
    expect(status).toBe(0);
  });
});
