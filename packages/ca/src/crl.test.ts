import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaStore, InputError, createCa } from './index.js';
import { buildCrl } from './crl.js';
import type { Issuer } from './issue.js';
import { openssl, opensslResult } from '../../../test/support/openssl.js';
import { makeTempDir } from '../../../test/support/temp.js';

describe('revocation and CRLs', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let store: CaStore;
  let caFile: string;

  beforeAll(async () => {
    temp = makeTempDir();
    ({ store } = await CaStore.initialize(join(temp.dir, 'state'), await createCa({ subject: { commonName: 'CRL CA' }, keyType: 'rsa-2048' })));
    caFile = join(temp.dir, 'ca.pem');
    writeFileSync(caFile, store.caCertificatePem);
  });
  afterAll(() => {
    store.close();
    temp.cleanup();
  });

  const verifyWithCrl = (certificatePem: string, crlPem: string): { status: number; output: string } => {
    const cert = join(temp.dir, `cert-${Math.random()}.pem`);
    const crl = join(temp.dir, `crl-${Math.random()}.pem`);
    writeFileSync(cert, certificatePem);
    writeFileSync(crl, crlPem);
    return opensslResult(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crl, cert]);
  };

  test('a revoked certificate fails openssl verify -crl_check; others still pass', async () => {
    const alice = await store.issueClient({ user: 'alice' });
    const bob = await store.issueClient({ user: 'bob' });
    const { revoked, crlPem } = await store.revoke(alice.record.serial, 'keyCompromise');
    expect(revoked.map((record) => record.serial)).toEqual([alice.record.serial]);
    expect(crlPem).toBeDefined();
    const refused = verifyWithCrl(alice.certificatePem, crlPem as string);
    expect(refused.status).not.toBe(0);
    expect(refused.output).toContain('certificate revoked');
    expect(verifyWithCrl(bob.certificatePem, crlPem as string)).toMatchObject({ status: 0 });
    expect(await store.find(alice.record.serial)).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });
  });

  test('the CRL is v2, signed by the CA, numbered, with AKI, reason and update times', async () => {
    const carol = await store.issueClient({ user: 'carol' });
    const before = await store.publishCrl();
    const { crlPem } = await store.revokeUser('carol', 'affiliationChanged');
    const text = openssl(['crl', '-noout', '-text'], crlPem);
    expect(text).toContain('Version 2 (0x1)');
    expect(text).toMatch(/X509v3 CRL Number:\s*\n\s*\d+/);
    expect(text).toContain('X509v3 Authority Key Identifier');
    expect(text).toContain(`Serial Number: ${carol.record.serial.toUpperCase()}`);
    expect(text).toContain('Affiliation Changed');
    expect(text).toMatch(/Last Update: .*\n\s*Next Update: /);
    const crlFile = join(temp.dir, 'signed.crl');
    writeFileSync(crlFile, crlPem as string);
    expect(opensslResult(['crl', '-noout', '-CAfile', caFile, '-in', crlFile]).output).toContain('verify OK');
    const number = (pem: string): bigint => BigInt(`0x${/CRL Number:\s*\n\s*([0-9A-F]+)/.exec(openssl(['crl', '-noout', '-text'], pem))?.[1]}`);
    expect(number(crlPem as string)).toBeGreaterThan(number(before));
  });

  test('revoking twice changes nothing the second time; the CA itself and unknown serials are refused', async () => {
    const dave = await store.issueClient({ user: 'dave' });
    await store.revoke(dave.record.serial);
    await expect(store.revoke(dave.record.serial)).resolves.toEqual({ revoked: [], crlPem: undefined });
    const caSerial = (await store.list({ profile: 'ca' }))[0]?.serial as string;
    await expect(store.revoke(caSerial)).rejects.toThrow(/it is the CA itself/);
    await expect(store.revoke('abcdef')).rejects.toThrow(InputError);
  });

  test.each(['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'ed25519'] as const)('a CA with a %s key signs a CRL openssl verifies', async (keyType) => {
    const dir = makeTempDir();
    try {
      const { store: own } = await CaStore.initialize(join(dir.dir, 'state'), await createCa({ subject: { commonName: `CRL ${keyType}` }, keyType }));
      const victim = await own.issueClient({ user: 'erin' });
      const { crlPem } = await own.revoke(victim.record.serial, 'superseded');
      writeFileSync(join(dir.dir, 'ca.pem'), own.caCertificatePem);
      writeFileSync(join(dir.dir, 'crl.pem'), crlPem as string);
      writeFileSync(join(dir.dir, 'erin.pem'), victim.certificatePem);
      expect(opensslResult(['crl', '-noout', '-CAfile', join(dir.dir, 'ca.pem'), '-in', join(dir.dir, 'crl.pem')]).output).toContain('verify OK');
      expect(opensslResult(['verify', '-crl_check', '-CAfile', join(dir.dir, 'ca.pem'), '-CRLfile', join(dir.dir, 'crl.pem'), join(dir.dir, 'erin.pem')]).output).toContain('certificate revoked');
      own.close();
    } finally {
      dir.cleanup();
    }
  });

  test('a CRL of 5,000 entries lists every one (multi-byte lengths, dates)', async () => {
    const crl = await buildCrl(
      {
        entries: Array.from({ length: 5000 }, (_, i) => ({ serial: (0x4000000 + i).toString(16), revokedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000), reason: i % 2 ? 'keyCompromise' : 'unspecified' })),
        crlNumber: 300n,
        thisUpdate: new Date(),
        nextUpdate: new Date(Date.UTC(2051, 0, 1)), // past 2049: GeneralizedTime
      },
      await (store as unknown as { signingKey: { issuer(): Promise<Issuer> } }).signingKey.issuer(),
    );
    const text = openssl(['crl', '-noout', '-text'], crl);
    expect(text.match(/Serial Number:/g)).toHaveLength(5000);
    expect(text).toMatch(/Next Update: Jan  1 00:00:00 2051 GMT/);
    expect(text).toMatch(/X509v3 CRL Number:\s*\n\s*300/);
  });
});
