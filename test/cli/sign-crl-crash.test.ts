import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaStore } from '@dockauth/ca';
import { DOCKAUTH_BIN, dockauth } from '../support/dockauth.js';
import { openssl } from '../support/openssl.js';
import { makeTempDir } from '../support/temp.js';

/** Runs dockauth with a failpoint set: it SIGKILLs itself there, as a power cut would. */
function killedAt(point: string, args: string[]): NodeJS.Signals | null {
  const result = spawnSync(process.execPath, [DOCKAUTH_BIN, ...args], { encoding: 'utf8', env: { ...process.env, DOCKAUTH_DIR: undefined, DOCKAUTH_TEST_CRASH_AT: point } });
  return result.signal;
}

const temporaries = (...dirs: string[]): string[] => dirs.flatMap((dir) => (existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.tmp')) : []));

describe('crash consistency of sign --out and crl --out: killed at each step, a re-run leaves the inventory and the files agreeing', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let csr: string;
  beforeAll(() => {
    temp = makeTempDir();
    const key = join(temp.dir, 'key.pem');
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    csr = join(temp.dir, 'crashsign.csr');
    writeFileSync(csr, openssl(['req', '-new', '-key', key, '-subj', '/CN=crashsign']));
  });
  afterAll(() => temp.cleanup());

  /** Every valid certificate recorded for `out` is the one in it, and there is exactly one; nothing temporary is left. */
  async function assertSignConsistent(state: string, out: string): Promise<string> {
    const store = await CaStore.open(state, { readonly: true });
    try {
      const recorded = (await store.list({ profile: 'client', status: 'valid' })).filter((record) => record.destination === out);
      expect(recorded.map((record) => record.certificatePem)).toEqual([readFileSync(out, 'utf8')]);
      expect(temporaries(join(out, '..'))).toEqual([]);
      return recorded[0]!.serial;
    } finally {
      store.close();
    }
  }

  const SIGN_POINTS = ['sign:cleared', 'sign:signed', 'sign:recorded', 'file:staged', 'sign:written'];
  test.each(SIGN_POINTS.flatMap((point) => [[point, 'a first signing'], [point, 'a signing over an earlier one']]))('sign killed at %s (%s)', async (point, when) => {
    const name = `${point.replace(':', '-')}-${when.length}`;
    const state = join(temp.dir, `sign-state-${name}`);
    const outDir = join(temp.dir, `sign-out-${name}`);
    const out = join(outDir, 'cert.pem');
    mkdirSync(outDir);
    expect(dockauth(['--dir', state, 'ca', 'init', '--cn', 'Sign Crash CA']).status).toBe(0);
    const args = ['--dir', state, 'sign', '--csr', csr, '--user', 'crashsign', '--out', out];
    let earlier: string | undefined;
    if (when !== 'a first signing') earlier = dockauth([...args, '--json']).json.serial as string;

    expect(killedAt(point, args)).toBe('SIGKILL');
    if (point === 'file:staged') expect(temporaries(outDir)).toHaveLength(1); // the kill left its temporary file

    const rerun = dockauth([...args, '--json']);
    expect({ status: rerun.status, stderr: rerun.stderr }).toEqual({ status: 0, stderr: '' });
    const serial = await assertSignConsistent(state, out);
    expect(rerun.json.serial).toBe(serial);
    if (earlier) expect(rerun.json.superseded).toContain(earlier);
    expect(openssl(['verify', '-CAfile', join(state, 'ca.pem'), out])).toContain('OK');
    // Everything revoked on the way is in the CRL the state directory publishes.
    const store = await CaStore.open(state, { readonly: true });
    const revoked = (await store.list({ status: 'revoked' })).map((record) => record.serial);
    store.close();
    if (revoked.length === 0) return;
    const crl = openssl(['crl', '-noout', '-text', '-in', join(state, 'crl.pem')]).toLowerCase().replace(/:/g, '');
    for (const revokedSerial of revoked) expect(crl).toContain(revokedSerial.replace(/^0+/, ''));
  });

  const CRL_POINTS = ['crl:cleared', 'file:staged', 'crl:published'];
  test.each(CRL_POINTS)('crl killed at %s', async (point) => {
    const name = point.replace(':', '-');
    const state = join(temp.dir, `crl-state-${name}`);
    const outDir = join(temp.dir, `crl-out-${name}`);
    const out = join(outDir, 'dockauth.crl');
    mkdirSync(outDir);
    expect(dockauth(['--dir', state, 'ca', 'init', '--cn', 'CRL Crash CA']).status).toBe(0);
    expect(dockauth(['--dir', state, 'user', 'add', 'crashcrl', '--out', join(temp.dir, `crl-users-${name}`)]).status).toBe(0);
    expect(dockauth(['--dir', state, 'user', 'revoke', 'crashcrl']).status).toBe(0);
    const args = ['--dir', state, 'crl', '--out', out];
    expect(dockauth(args).status).toBe(0);
    const before = readFileSync(out, 'utf8');

    expect(killedAt(point, args)).toBe('SIGKILL');
    if (point === 'file:staged') expect(temporaries(state)).toHaveLength(1); // the state CRL's temporary file
    if (point === 'crl:published') expect(readFileSync(out, 'utf8')).toBe(before); // --out lags one behind

    const rerun = dockauth([...args, '--json']);
    expect({ status: rerun.status, stderr: rerun.stderr }).toEqual({ status: 0, stderr: '' });
    expect(rerun.json).toMatchObject({ revoked: 1, leftoversRemoved: point === 'file:staged' ? 1 : 0 });
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(state, 'crl.pem'), 'utf8'));
    expect(readFileSync(out, 'utf8')).not.toBe(before);
    expect(openssl(['crl', '-noout', '-text', '-in', out])).toContain('Revoked Certificates');
    expect(temporaries(state, outDir)).toEqual([]);
  });
});
