import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crlDates } from './crl-dates.js';

describe('crlDates', () => {
  test('reads thisUpdate and nextUpdate as openssl does, from a CRL openssl made', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crl-dates-'));
    try {
      const run = (...args: string[]): string => execFileSync('openssl', args, { cwd: dir, encoding: 'utf8' });
      writeFileSync(join(dir, 'index.txt'), '');
      writeFileSync(join(dir, 'ca.cnf'), `[ca]\ndefault_ca=d\n[d]\ndatabase=${dir}/index.txt\ncrlnumber=${dir}/crlnumber\ndefault_md=sha256\ndefault_crl_days=9\n`);
      writeFileSync(join(dir, 'crlnumber'), '01\n');
      run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=t', '-days', '2');
      run('ca', '-gencrl', '-config', 'ca.cnf', '-keyfile', 'ca.key', '-cert', 'ca.pem', '-out', 'crl.pem');
      const dates = crlDates(readFileSync(join(dir, 'crl.pem'), 'utf8'));
      const next = run('crl', '-in', 'crl.pem', '-noout', '-nextupdate').trim().replace(/^nextUpdate=/, '');
      expect(dates.nextUpdate?.toISOString()).toBe(new Date(next).toISOString());
      expect(Math.round(((dates.nextUpdate?.getTime() ?? 0) - dates.thisUpdate.getTime()) / 86_400_000)).toBe(9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses what is not a CRL', () => {
    expect(() => crlDates('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n', '/x/crl.pem')).toThrow('failed to read /x/crl.pem');
  });
});
