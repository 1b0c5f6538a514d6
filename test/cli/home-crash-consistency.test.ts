import { spawnSync } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaStore } from '@dockauth/ca';
import { DOCKAUTH_BIN, dockauth } from '../support/dockauth.js';
import { makeTempDir } from '../support/temp.js';
import { createUser, describeAsRoot, removeUser, type LocalUser } from '../support/users.js';

/** Runs dockauth with a failpoint set: it SIGKILLs itself there, as a power cut would. */
function killedAt(point: string, args: string[]): NodeJS.Signals | null {
  const result = spawnSync(process.execPath, [DOCKAUTH_BIN, ...args], { encoding: 'utf8', env: { ...process.env, DOCKAUTH_DIR: undefined, DOCKAUTH_TEST_CRASH_AT: point } });
  return result.signal;
}

/** Every file under `root`, recursively. */
function walk(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(root, entry.name)) : [join(root, entry.name)]));
}

// user add installing into real users' homes (as their owner), killed at each step of its applier, then re-run.
describeAsRoot('crash consistency of user add into home directories', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let users: LocalUser[];
  beforeAll(() => {
    temp = makeTempDir();
    users = [createUser('hcra'), createUser('hcrb'), createUser('hcrc')];
  });
  afterAll(() => {
    users.forEach(removeUser);
    temp.cleanup();
  });

  /**
   * What must hold: each user has exactly one valid certificate, recorded for their
   * ~/.docker, installed there with its own key, owned by them, the key private;
   * and no temporary file anywhere in their homes.
   */
  async function assertConsistent(state: string, group: LocalUser[]): Promise<void> {
    const store = await CaStore.open(state, { readonly: true });
    try {
      for (const user of group) {
        const dir = join(user.home, '.docker');
        const valid = (await store.certificatesOf(user.name)).filter((record) => record.status === 'valid');
        expect(valid.map((record) => record.destination)).toEqual([dir]);
        expect(readFileSync(join(dir, 'cert.pem'), 'utf8')).toBe(valid[0]!.certificatePem);
        const key = join(dir, 'key.pem');
        const fromKey = createPublicKey(readFileSync(key)).export({ type: 'spki', format: 'der' });
        expect(new X509Certificate(valid[0]!.certificatePem).publicKey.export({ type: 'spki', format: 'der' }).equals(fromKey)).toBe(true);
        expect([statSync(key).uid, statSync(key).mode & 0o777]).toEqual([user.uid, 0o600]);
        expect(walk(user.home).filter((path) => path.endsWith('.tmp'))).toEqual([]);
      }
    } finally {
      store.close();
    }
  }

  const scenarios: Array<[string, string, 'one' | 'batch']> = [
    ['after signing, before recording', 'issue:signed', 'batch'],
    ['after recording, before installing', 'issue:recorded', 'batch'],
    ['with every file staged, none renamed', 'batch:staged', 'batch'],
    ['with the first file renamed into place', 'batch:committing', 'batch'],
    ['after installing, before revoking what was replaced', 'issue:installed', 'batch'],
    ['one user: between a file\'s write and its rename', 'file:staged', 'one'],
    ['one user: after recording, before installing', 'issue:recorded', 'one'],
  ];
  test.each(scenarios)('killed %s, then re-run: the inventory agrees with the homes, no leftovers', async (_name, point, size) => {
    const group = size === 'one' ? users.slice(0, 1) : users;
    const state = join(temp.dir, `state-${point.replace(':', '-')}-${size}`);
    for (const user of users) rmSync(join(user.home, '.docker'), { recursive: true, force: true });
    expect(dockauth(['--dir', state, 'ca', 'init', '--cn', 'Home Crash CA']).status).toBe(0);
    const list = join(temp.dir, `users-${size}.txt`);
    writeFileSync(list, group.map((user) => `${user.name} lab`).join('\n'));
    const args = ['--dir', state, 'user', 'add', '--from', list];
    // First as a fresh install; then killed while renewing what is installed.
    for (const renewing of [false, true]) {
      const run = renewing ? [...args, '--within', '400'] : args;
      expect(killedAt(point, run)).toBe('SIGKILL');
      // A kill between write and rename leaves temporary files (key files among them), the owner's alone.
      const left = group.flatMap((user) => walk(user.home).filter((path) => path.endsWith('.tmp')));
      if (point.endsWith(':staged')) expect(left.length).toBeGreaterThan(0);
      for (const path of left.filter((path) => /\.key\.pem\./.test(path))) expect(statSync(path).mode & 0o777).toBe(0o600);
      const rerun = dockauth([...args, '--json']);
      expect({ status: rerun.status, stderr: rerun.stderr }).toEqual({ status: 0, stderr: '' });
      await assertConsistent(state, group);
      expect(dockauth([...args, '--json']).json.changed).toBe(false);
    }
  });
});
