import { spawn, spawnSync } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, rmSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaStore } from '@dockauth/ca';
import { DOCKAUTH_BIN, dockauth } from '../support/dockauth.js';
import { makeTempDir } from '../support/temp.js';

const USERS = 200;

/** Every file under `root`, recursively. */
function walk(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(root, entry.name)) : [join(root, entry.name)],
  );
}

/** When to kill: after a time, or a delay after the first file matching `appears` shows up in `out`. */
type KillPoint = { afterMs: number } | { appears: RegExp; delayMs: number };

/** Runs the command and SIGKILLs it at the point (or lets it finish first). */
function runKilled(args: string[], out: string, point: KillPoint, signal: NodeJS.Signals = 'SIGKILL'): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DOCKAUTH_BIN, ...args], { stdio: 'ignore', env: { ...process.env, DOCKAUTH_DIR: undefined } });
    const kill = (): void => void child.kill(signal);
    let poll: NodeJS.Timeout | undefined;
    let timer: NodeJS.Timeout | undefined;
    if ('afterMs' in point) timer = setTimeout(kill, point.afterMs);
    else {
      poll = setInterval(() => {
        let seen = false;
        try {
          seen = walk(out).some((path) => point.appears.test(path));
        } catch {
          // not made yet
        }
        if (!seen) return;
        clearInterval(poll);
        poll = undefined;
        timer = setTimeout(kill, point.delayMs);
      }, 2);
    }
    child.on('error', reject);
    child.on('exit', (code, ended) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      resolve({ killed: ended === 'SIGKILL', code });
    });
  });
}

/**
 * What must hold after any run: every certificate the inventory calls valid is
 * installed where it says, with its own key beside it; no temporary file is left.
 */
async function assertConsistent(state: string, out: string): Promise<void> {
  const store = await CaStore.open(state, { readonly: true });
  try {
    const valid = await store.list({ profile: 'client', status: 'valid' });
    const problems: string[] = [];
    const users = new Set<string>();
    for (const record of valid) {
      users.add(record.user as string);
      const dir = record.destination as string;
      let cert: string;
      let key: Buffer;
      try {
        cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
        key = readFileSync(join(dir, 'key.pem'));
      } catch {
        problems.push(`${record.user}: ${record.serial} is valid but ${dir} lacks cert.pem/key.pem`);
        continue;
      }
      if (cert !== record.certificatePem) {
        problems.push(`${record.user}: ${record.serial} is valid but not the installed cert.pem`);
        continue;
      }
      const fromKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
      if (!new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' }).equals(fromKey)) problems.push(`${record.user}: key.pem does not match`);
    }
    expect(problems).toEqual([]);
    expect(users.size).toBe(USERS);
    expect(valid).toHaveLength(USERS); // one valid certificate each: nothing orphaned
  } finally {
    store.close();
  }
  expect(walk(out).filter((path) => path.endsWith('.tmp'))).toEqual([]);
}

// Batch onboarding killed with SIGKILL at many points, each followed by a re-run of the same command.
describe('crash consistency of batch onboarding', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let list: string;
  let fullRunMs: number;

  beforeAll(() => {
    temp = makeTempDir();
    list = join(temp.dir, 'users.txt');
    writeFileSync(list, Array.from({ length: USERS }, (_, i) => `crash${String(i).padStart(4, '0')} lab${i % 7}`).join('\n'));
    // How long an uninterrupted run takes here, to spread the kills over it.
    const state = join(temp.dir, 'timing-state');
    expect(dockauth(['--dir', state, 'ca', 'init', '--cn', 'Crash CA']).status).toBe(0);
    const started = Date.now();
    expect(dockauth(['--dir', state, 'user', 'add', '--from', list, '--out', join(temp.dir, 'timing-out')]).status).toBe(0);
    fullRunMs = Date.now() - started;
  });
  afterAll(() => temp.cleanup());

  const TEMPORARY = /\.tmp$/;
  const INSTALLED = /cert\.pem$/;
  const points: Array<[string, (fullRunMs: number) => KillPoint]> = [
    ['while signing (30% of a run)', (ms) => ({ afterMs: Math.round(ms * 0.3) })],
    ['while signing (60% of a run)', (ms) => ({ afterMs: Math.round(ms * 0.6) })],
    ['as the first files are staged', () => ({ appears: TEMPORARY, delayMs: 0 })],
    ['while files are staged', () => ({ appears: TEMPORARY, delayMs: 15 })],
    ['as the first file is renamed into place', () => ({ appears: INSTALLED, delayMs: 0 })],
    ['while files are renamed into place', () => ({ appears: INSTALLED, delayMs: 3 })],
    ['at the end (revocations, CRL)', () => ({ appears: INSTALLED, delayMs: 25 })],
  ];
  test.each(points)('killed %s, the re-run finishes it and the inventory agrees with the files', async (name, point) => {
    const state = join(temp.dir, `state-${points.findIndex(([label]) => label === name)}`);
    const out = join(temp.dir, `out-${points.findIndex(([label]) => label === name)}`);
    expect(dockauth(['--dir', state, 'ca', 'init', '--cn', 'Crash CA']).status).toBe(0);
    const args = ['--dir', state, 'user', 'add', '--from', list, '--out', out];
    await runKilled(args, out, point(fullRunMs));
    // What a kill leaves: temporary key files, if any, readable by root only.
    for (const path of walk(out).filter((path) => /\.key\.pem\..*\.tmp$/.test(path))) {
      expect([statSync(path).mode & 0o777, statSync(path).uid]).toEqual([0o600, process.geteuid?.()]);
    }
    const rerun = spawnSync(process.execPath, [DOCKAUTH_BIN, ...args, '--json'], { encoding: 'utf8' });
    expect({ status: rerun.status, stderr: rerun.stderr }).toEqual({ status: 0, stderr: '' });
    await assertConsistent(state, out);
    // And once more: nothing left to do.
    expect(dockauth([...args, '--json']).json.changed).toBe(false);
  });

  test('a renewal of the whole batch killed part-way is finished by its re-run', async () => {
    const state = join(temp.dir, 'timing-state');
    const out = join(temp.dir, 'timing-out');
    const args = ['--dir', state, 'user', 'add', '--from', list, '--out', out, '--within', '400'];
    await runKilled(args, out, { appears: /key\.pem\.\d+\.[0-9a-f]+\.tmp$/, delayMs: 10 });
    expect(dockauth(['--dir', state, 'user', 'add', '--from', list, '--out', out]).status).toBe(0);
    await assertConsistent(state, out);
  });

  test('Ctrl-C while signing ends quietly with 130 and leaves nothing; Ctrl-C while installing finishes the batch first', async () => {
    const state = join(temp.dir, 'state-sigint');
    const out = join(temp.dir, 'out-sigint');
    expect(dockauth(['--dir', state, 'ca', 'init', '--cn', 'Crash CA']).status).toBe(0);
    const args = ['--dir', state, 'user', 'add', '--from', list, '--out', out];
    // RSA keys take seconds to make: a second in, it is surely still signing.
    const early = await runKilled([...args, '--key-type', 'rsa-2048'], out, { afterMs: 1000 }, 'SIGINT');
    expect(early.code).toBe(130);
    // Stopped while signing: nothing kept; or in the recording and installing stretch: finished.
    const store = await CaStore.open(state, { readonly: true });
    const recorded = (await store.count({ status: 'valid' })) - 1; // less the CA
    store.close();
    expect(recorded).toBe(0);
    expect(walk(out).filter((path) => path.endsWith('.tmp'))).toEqual([]);
    rmSync(state, { recursive: true });
    rmSync(out, { recursive: true, force: true });
    expect(dockauth(['--dir', state, 'ca', 'init', '--cn', 'Crash CA']).status).toBe(0);
    const late = await runKilled(args, out, { appears: /\.tmp$/, delayMs: 0 }, 'SIGINT');
    expect(late.code).toBe(130);
    await assertConsistent(state, out); // no re-run needed: the stretch was finished
  });
});
