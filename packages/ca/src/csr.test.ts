import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaStore, InputError, createCa } from './index.js';
import { extensionText, openssl, x509Text } from '../../../test/support/openssl.js';
import { makeTempDir, snapshotTree } from '../../../test/support/temp.js';

describe('signing a user CSR', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let store: CaStore;
  let stateDir: string;

  beforeAll(async () => {
    temp = makeTempDir();
    stateDir = join(temp.dir, 'state');
    ({ store } = await CaStore.initialize(stateDir, await createCa({ subject: { commonName: 'CSR CA' } })));
    writeFileSync(join(temp.dir, 'ca.pem'), store.caCertificatePem);
  });
  afterAll(() => {
    store.close();
    temp.cleanup();
  });

  /** A CSR made by openssl the way a user would, with their own key. */
  const makeCsr = (subject: string, extraArgs: string[] = [], keyArgs = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']): string => {
    const key = join(temp.dir, `key-${Math.random()}.pem`);
    openssl(['genpkey', ...keyArgs, '-out', key]);
    return openssl(['req', '-new', '-key', key, '-subj', subject, ...extraArgs]);
  };

  const expectRefusedAndUnchanged = async (csrPem: string, user: string, message: RegExp): Promise<void> => {
    const before = snapshotTree(stateDir);
    const attempt = store.signClientCsr({ csrPem, where: 'alice.csr', user });
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(message);
    expect(snapshotTree(stateDir)).toEqual(before);
  };

  test('a good CSR is signed with the client profile, and openssl verifies it', async () => {
    const csr = makeCsr('/CN=alice');
    expect(openssl(['req', '-verify', '-noout'], csr)).toBe('');
    const issued = await store.signClientCsr({ csrPem: csr, where: 'alice.csr', user: 'alice', groups: ['lab'] });
    expect(issued.privateKeyPem).toBeUndefined();
    expect(issued.record.origin).toBe('csr');
    const path = join(temp.dir, 'alice-cert.pem');
    writeFileSync(path, issued.certificatePem);
    expect(openssl(['verify', '-CAfile', join(temp.dir, 'ca.pem'), '-purpose', 'sslclient', path])).toContain('OK');
    expect(openssl(['x509', '-noout', '-pubkey'], issued.certificatePem)).toBe(openssl(['req', '-noout', '-pubkey'], csr));
  });

  test('extensions and subject fields the CSR asks for are not trusted', async () => {
    const csr = makeCsr('/O=root-group/CN=alice', [
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'extendedKeyUsage=serverAuth,clientAuth',
      '-addext', 'subjectAltName=DNS:docker.example.org',
      '-addext', 'keyUsage=keyCertSign',
    ]);
    const issued = await store.signClientCsr({ csrPem: csr, where: 'alice.csr', user: 'alice' });
    const text = x509Text(issued.certificatePem);
    expect(text).toContain('Subject: CN = alice');
    expect(extensionText(text, 'X509v3 Basic Constraints')).toBe('X509v3 Basic Constraints: critical\nCA:FALSE');
    expect(extensionText(text, 'X509v3 Extended Key Usage')?.split('\n')[1]).toBe('TLS Web Client Authentication');
    expect(extensionText(text, 'X509v3 Key Usage')).toBe('X509v3 Key Usage: critical\nDigital Signature');
    expect(text).not.toContain('Subject Alternative Name');
  });

  test('an RSA-2048 CSR is accepted; RSA-1024 is refused', async () => {
    const rsa = makeCsr('/CN=alice', [], ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
    await expect(store.signClientCsr({ csrPem: rsa, where: 'alice.csr', user: 'alice' })).resolves.toBeDefined();
    const weak = makeCsr('/CN=alice', [], ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024']);
    await expectRefusedAndUnchanged(weak, 'alice', /unsupported key/);
  });

  test('a CSR whose CN is not the named user is refused and changes nothing', async () => {
    await expectRefusedAndUnchanged(makeCsr('/CN=root'), 'alice', /its CN is "root", not the user "alice"/);
    await expectRefusedAndUnchanged(makeCsr('/CN=alice/CN=root'), 'alice', /its CN is/);
    await expectRefusedAndUnchanged(makeCsr('/O=alice'), 'alice', /its CN is ""/);
  });

  test('a malformed or tampered CSR is refused and changes nothing', async () => {
    await expectRefusedAndUnchanged('hello', 'alice', /no PEM certificate request/);
    await expectRefusedAndUnchanged(
      '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n',
      'alice',
      /malformed request/,
    );
    // Flip one byte inside the signature: the request no longer proves possession of the key.
    const good = makeCsr('/CN=alice');
    const der = Buffer.from(good.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5] = (der[der.length - 5] as number) ^ 0xff;
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`;
    await expectRefusedAndUnchanged(tampered, 'alice', /signature does not match|malformed|broken/);
  });

  test('a user name that is not a login name is refused before the CSR is read', async () => {
    await expectRefusedAndUnchanged(makeCsr('/CN=alice'), '../etc', /not a valid login name/);
    expect(readFileSync(join(stateDir, 'ca.pem'), 'utf8')).toBe(store.caCertificatePem);
  });
});
