import { chmodSync, chownSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockauth } from '../support/dockauth.js';
import { makeTempDir, snapshotTree } from '../support/temp.js';
import { createUser, describeAsRoot, removeUser, type LocalUser } from '../support/users.js';

/** Runs dockauth and asserts: exit 2, a message matching `message`, and every watched tree unchanged. */
function expectRefused(args: string[], message: RegExp, watched: string[]): void {
  const before = watched.map((path) => snapshotTree(path));
  const result = dockauth(args);
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 2, stderr: expect.stringMatching(message) });
  expect(result.stdout).toBe('');
  expect(watched.map((path) => snapshotTree(path))).toEqual(before);
}

describe('bad input: exit 2, a clear message, nothing changed', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let state: string;
  beforeAll(() => {
    temp = makeTempDir();
    state = join(temp.dir, 'state');
    expect(dockauth(['--dir', state, 'ca', 'init', '--cn', 'Hostile CA']).status).toBe(0);
  });
  afterAll(() => temp.cleanup());

  test.each([
    ['shell metacharacters', ['alice;rm -rf /'], /"alice;rm -rf \/": not a valid login name/],
    ['a command substitution', ['$(id)'], /not a valid login name/],
    ['a path', ['../etc'], /"\.\.\/etc": not a valid login name/],
    ['an empty name', [''], /"": not a valid login name/],
    ['an option-looking name', ['--', '-rf'], /"-rf": not a valid login name/],
    ['a bad group', ['alice', '--group', 'a b'], /--group "a b": not a valid group name/],
  ])('user add with %s', (_what, names, message) => {
    expectRefused(['--dir', state, 'user', 'add', ...names, '--out', join(temp.dir, 'out')], message, [temp.dir]);
  });

  test('user add of an unknown account names it and says what to do', () => {
    expectRefused(['--dir', state, 'user', 'add', 'nosuchuser4242'], /failed to find user nosuchuser4242: no such account/, [temp.dir]);
  });

  test('a --from file with a bad line names the file and line', () => {
    const list = join(temp.dir, 'users.txt');
    writeFileSync(list, '# class of 2026\nalice physics\nbob\nev!l\n');
    expectRefused(['--dir', state, 'user', 'add', '--from', list, '--out', join(temp.dir, 'out')], /user name at .*users\.txt line 4 "ev!l"/, [temp.dir]);
  });

  test('a missing CA: every command that needs it says how to make one', () => {
    const empty = join(temp.dir, 'empty');
    mkdirSync(empty, { mode: 0o700 });
    for (const args of [['user', 'add', 'alice', '--out', join(temp.dir, 'out')], ['user', 'list'], ['crl'], ['ca', 'show']]) {
      expectRefused(['--dir', empty, ...args], /there is no CA in it[\s\S]*dockauth ca init --dir/, [temp.dir]);
    }
  });

  test('a corrupt daemon.json is reported with line and column and left untouched', () => {
    const ssl = join(temp.dir, 'ssl');
    expect(dockauth(['--dir', state, 'server', 'issue', '--host', 'h', '--out', ssl]).status).toBe(0);
    const daemonJson = join(temp.dir, 'daemon.json');
    writeFileSync(daemonJson, '{\n  "debug": true,\n  "hosts": ["unix:///var/run/docker.sock"\n  "tls": true\n}\n');
    expectRefused(
      ['--dir', state, 'daemon', 'configure', '--daemon-json', daemonJson, '--tls-dir', ssl, '--systemd-dropin', join(temp.dir, 'd', 'x.conf')],
      /failed to parse .*daemon\.json: line 4, column 3: expected ',' or '\]'/,
      [temp.dir],
    );
    writeFileSync(daemonJson, '["not", "an", "object"]\n');
    expectRefused(['--dir', state, 'daemon', 'configure', '--daemon-json', daemonJson, '--tls-dir', ssl], /expected a JSON object/, [temp.dir]);
  });

  test('a --listen without a port, and TLS files that are not there, are refused', () => {
    const daemonJson = join(temp.dir, 'daemon2.json');
    writeFileSync(daemonJson, '{}\n');
    expectRefused(['--dir', state, 'daemon', 'configure', '--daemon-json', daemonJson, '--listen', 'tcp://0.0.0.0'], /port written out/, [temp.dir]);
    expectRefused(['--dir', state, 'daemon', 'configure', '--daemon-json', daemonJson, '--tls-dir', join(temp.dir, 'nossl')], /do not exist[\s\S]*dockauth server issue/, [temp.dir]);
  });

  test('a lax CA key is refused with the fix, whatever the command', () => {
    chmodSync(join(state, 'ca-key.pem'), 0o640);
    try {
      expectRefused(['--dir', state, 'user', 'add', 'alice', '--out', join(temp.dir, 'out')], /mode 0640 lets group or others use it[\s\S]*chmod 600/, [temp.dir]);
      expectRefused(['--dir', state, 'crl'], /mode 0640/, [temp.dir]);
    } finally {
      chmodSync(join(state, 'ca-key.pem'), 0o600);
    }
  });

  test('unknown options and commands are usage errors (exit 2)', () => {
    expect(dockauth(['--dir', state, 'user', 'add', 'alice', '--frobnicate']).status).toBe(2);
    expect(dockauth(['--dir', state, 'launch-missiles']).status).toBe(2);
    expect(dockauth(['--dir', state, 'ca', 'init', '--key-type', 'dsa']).status).toBe(2);
    expect(dockauth(['--dir', state, 'user', 'add', 'alice', '--days', 'forever', '--out', join(temp.dir, 'o')]).stderr).toMatch(/--days: "forever" is not a duration/);
  });
});

describeAsRoot('planted links in a user\'s home', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let state: string;
  let alice: LocalUser;
  let precious: string;
  beforeAll(() => {
    temp = makeTempDir();
    chmodSync(temp.dir, 0o755);
    state = join(temp.dir, 'state');
    expect(dockauth(['--dir', state, 'ca', 'init', '--cn', 'Link CA']).status).toBe(0);
    alice = createUser('dalk');
    precious = join(temp.dir, 'precious');
    mkdirSync(precious, { mode: 0o755 });
    writeFileSync(join(precious, 'shadow'), 'root:secret\n', { mode: 0o600 });
  });
  afterAll(() => {
    removeUser(alice);
    temp.cleanup();
  });
  const docker = (): string => join(alice.home, '.docker');

  test('a symlink at ~/.docker/key.pem to a root file: refused, reported, target unchanged', () => {
    mkdirSync(docker(), { mode: 0o700 });
    chmodSync(docker(), 0o700);
    chownSync(docker(), alice.uid, alice.gid);
    symlinkSync(join(precious, 'shadow'), join(docker(), 'key.pem'));
    expectRefused(['--dir', state, 'user', 'add', alice.name], /key\.pem: it is a symbolic link \(to .*shadow\); dockauth never writes through a link/, [precious, alice.home, state]);
    expect(readFileSync(join(precious, 'shadow'), 'utf8')).toBe('root:secret\n');
    rmSync(docker(), { recursive: true });
  });

  test('~/.docker itself a symlink to a root directory: refused, reported, directory unchanged', () => {
    symlinkSync(precious, docker());
    expectRefused(['--dir', state, 'user', 'add', alice.name], /\.docker: it is a symbolic link/, [precious, alice.home, state]);
    rmSync(docker());
  });

  test('a hard link planted as cert.pem is refused', () => {
    mkdirSync(docker(), { mode: 0o700 });
    chownSync(docker(), alice.uid, alice.gid);
    const own = join(alice.home, 'mine');
    writeFileSync(own, 'x');
    chownSync(own, alice.uid, alice.gid);
    linkSync(own, join(docker(), 'cert.pem'));
    expectRefused(['--dir', state, 'user', 'add', alice.name], /cert\.pem: it has 2 hard links/, [precious, alice.home, state]);
    rmSync(docker(), { recursive: true });
  });

  test('with the links gone the same command succeeds, and the files are alice\'s', () => {
    const result = dockauth(['--dir', state, '--json', 'user', 'add', alice.name]);
    expect(result.status).toBe(0);
    expect(statSync(join(docker(), 'key.pem')).uid).toBe(alice.uid);
  });
});
