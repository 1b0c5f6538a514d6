import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaStore, KEY_TYPES, createCa, type KeyType } from '../index.js';
import { extensionText, openssl, opensslResult, x509Text } from '../../../../test/support/openssl.js';
import { makeTempDir } from '../../../../test/support/temp.js';

// Every key type through every profile, judged by openssl rather than by our own parser.
describe.each(KEY_TYPES.map((keyType) => [keyType]))('certificates with %s keys', (keyType: KeyType) => {
  let temp: ReturnType<typeof makeTempDir>;
  let store: CaStore;
  let caFile: string;

  beforeAll(async () => {
    temp = makeTempDir();
    const material = await createCa({ subject: { commonName: 'Lab Docker CA', organization: ['Physics'] }, keyType });
    ({ store } = await CaStore.initialize(join(temp.dir, 'state'), material));
    caFile = join(temp.dir, 'ca.pem');
    writeFileSync(caFile, store.caCertificatePem);
  });
  afterAll(() => {
    store.close();
    temp.cleanup();
  });

  const write = (name: string, pem: string): string => {
    const path = join(temp.dir, name);
    writeFileSync(path, pem);
    return path;
  };

  test('the CA is a self-signed CA with pathlen 0 that may only sign certificates and CRLs', () => {
    const text = x509Text(store.caCertificatePem);
    expect(text).toContain('Subject: O = Physics, CN = Lab Docker CA');
    expect(extensionText(text, 'X509v3 Basic Constraints')).toBe('X509v3 Basic Constraints: critical\nCA:TRUE, pathlen:0');
    expect(extensionText(text, 'X509v3 Key Usage')).toBe('X509v3 Key Usage: critical\nCertificate Sign, CRL Sign');
    expect(text).not.toContain('Extended Key Usage');
    const ski = extensionText(text, 'X509v3 Subject Key Identifier')?.split('\n')[1];
    const aki = extensionText(text, 'X509v3 Authority Key Identifier')?.split('\n')[1];
    expect(ski).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(aki).toBe(ski);
    expect(openssl(['verify', '-CAfile', caFile, caFile])).toContain(': OK');
  });

  test('a server certificate chains to the CA, carries serverAuth and exactly the SANs asked for', async () => {
    const issued = await store.issueServer({
      hosts: ['docker.example.org', 'localhost', '10.10.10.60', '127.0.0.1', '::1'],
      keyType,
    });
    const path = write('server.pem', issued.certificatePem);
    expect(openssl(['verify', '-CAfile', caFile, '-purpose', 'sslserver', path])).toContain(': OK');
    const text = x509Text(issued.certificatePem);
    expect(text).toContain('Subject: CN = docker.example.org');
    expect(extensionText(text, 'X509v3 Subject Alternative Name')?.split('\n')[1]).toBe(
      'DNS:docker.example.org, DNS:localhost, IP Address:10.10.10.60, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(extensionText(text, 'X509v3 Extended Key Usage')?.split('\n')[1]).toBe('TLS Web Server Authentication');
    const usage = keyType.startsWith('rsa') ? 'Digital Signature, Key Encipherment' : 'Digital Signature';
    expect(extensionText(text, 'X509v3 Key Usage')).toBe(`X509v3 Key Usage: critical\n${usage}`);
    expect(extensionText(text, 'X509v3 Basic Constraints')).toBe('X509v3 Basic Constraints: critical\nCA:FALSE');
    // A server certificate must not pass as a client.
    expect(opensslResult(['verify', '-CAfile', caFile, '-purpose', 'sslclient', path]).status).not.toBe(0);
    // The key handed back belongs to the certificate.
    const certKey = openssl(['x509', '-noout', '-pubkey'], issued.certificatePem);
    expect(openssl(['pkey', '-pubout'], issued.privateKeyPem)).toBe(certKey);
  });

  test('a client certificate names the user in CN and the groups in O, and is clientAuth only', async () => {
    const issued = await store.issueClient({ user: 'alice', groups: ['physics', 'docker-users'], keyType });
    const path = write('alice.pem', issued.certificatePem);
    expect(openssl(['verify', '-CAfile', caFile, '-purpose', 'sslclient', path])).toContain(': OK');
    expect(opensslResult(['verify', '-CAfile', caFile, '-purpose', 'sslserver', path]).status).not.toBe(0);
    const text = x509Text(issued.certificatePem);
    expect(text).toContain('Subject: O = physics, O = docker-users, CN = alice');
    expect(extensionText(text, 'X509v3 Extended Key Usage')?.split('\n')[1]).toBe('TLS Web Client Authentication');
    expect(extensionText(text, 'X509v3 Key Usage')).toBe('X509v3 Key Usage: critical\nDigital Signature');
    expect(text).not.toContain('Subject Alternative Name');
    const caSki = extensionText(x509Text(store.caCertificatePem), 'X509v3 Subject Key Identifier')?.split('\n')[1];
    expect(extensionText(text, 'X509v3 Authority Key Identifier')?.split('\n')[1]).toBe(caSki);
    expect(extensionText(text, 'X509v3 Subject Key Identifier')).toBeDefined();
    expect(issued.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(openssl(['pkey', '-pubout'], issued.privateKeyPem)).toBe(openssl(['x509', '-noout', '-pubkey'], issued.certificatePem));
  });
});
