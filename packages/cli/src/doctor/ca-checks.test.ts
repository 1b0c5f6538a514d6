import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaStore } from '@dockauth/ca';
import type { Context } from '../context.js';
import { checkCrl } from './ca-checks.js';
import { checkDaemonJson } from './daemon-json-check.js';
import type { Finding } from './finding.js';

const BIN = fileURLToPath(new URL('../../bin/dockauth.js', import.meta.url));
const DAY = 86_400_000;

describe('doctor: the CRL\'s and the served certificate\'s expiry', () => {
  let dir: string;
  let state: string;
  let store: CaStore;
  const cli = (...args: string[]): string => execFileSync(process.execPath, [BIN, '--dir', state, '-y', ...args], { encoding: 'utf8', env: { ...process.env, DOCKAUTH_DIR: undefined } });
  const at = (offsetDays: number): Context => ({ dir: state, now: () => new Date(Date.now() + offsetDays * DAY) }) as unknown as Context;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doctor-ca-'));
    state = join(dir, 'state');
    cli('ca', 'init');
    cli('server', 'issue', '--host', 'docker.example.org', '--out', join(dir, 'ssl'), '--days', '60');
    cli('user', 'add', 'gone', '--out', join(dir, 'ship'));
    cli('user', 'revoke', 'gone', '--docker-socket', 'none');
    store = await CaStore.open(state);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    [0, 'ok', undefined],
    [6, 'warning', 'expires on'],
    [8, 'error', 'anything that checks it refuses every certificate'],
  ])('the CRL (next update in 7 days) seen %i days on: %s', async (days, severity, text) => {
    const findings: Finding[] = [];
    await checkCrl(at(days), store, findings);
    expect(findings).toEqual([expect.objectContaining({ severity, check: 'crl', ...(text ? { message: expect.stringContaining(text), fix: 'dockauth crl' } : {}) })]);
  });

  test.each([
    [0, 'ok', 'is valid until'],
    [40, 'warning', 'the certificate dockerd serves, expires on'],
    [61, 'error', 'every client refuses the daemon'],
  ])('the server certificate daemon.json names (60 days) seen %i days on: %s', (days, severity, text) => {
    const daemonJson = join(dir, 'daemon.json');
    const ssl = join(dir, 'ssl');
    writeFileSync(daemonJson, JSON.stringify({ tls: true, tlsverify: true, tlscacert: join(ssl, 'ca.pem'), tlscert: join(ssl, 'server-cert.pem'), tlskey: join(ssl, 'server-key.pem'), 'authorization-plugins': ['dockauth'] }));
    const findings: Finding[] = [];
    checkDaemonJson(at(days), daemonJson, store, findings);
    expect(findings.filter((finding) => finding.check === 'server-certificate' && finding.message.includes('server-cert.pem,') === (severity !== 'ok'))).toEqual([
      expect.objectContaining({ severity, message: expect.stringContaining(text), ...(severity === 'ok' ? {} : { fix: 'dockauth server renew --within 30, then systemctl restart docker' }) }),
    ]);
  });
});
