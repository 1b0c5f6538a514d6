import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaStore, InputError, cfsslExpiry, createCa, parseCfsslConfig, parseCfsslCsr, parseDuration } from '../index.js';
import { openssl, x509Text } from '../../../../test/support/openssl.js';
import { makeTempDir } from '../../../../test/support/temp.js';

// The files of the classic cfssl Docker-TLS lab, as sites have them on disk.
const CA_CONFIG = `{
  "signing": {
    "default": { "expiry": "8760h" },
    "profiles": {
      "custom": {
        "usages": ["signing", "key encipherment", "server auth", "client auth"],
        "expiry": "8760h"
      }
    }
  }
}`;
const CA_CSR = `{
  "CN": "NoverIT",
  "key": { "algo": "rsa", "size": 4096 },
  "names": [ { "C": "IT", "ST": "Italy", "L": "Milan", "O": "My Own Certification Authority" } ]
}`;
const SERVER_CSR = `{
  "CN": "docker-engine",
  "hosts": ["docker", "10.10.10.60", "127.0.0.1", "localhost"],
  "key": { "algo": "ecdsa", "size": 256 }
}`;

describe('cfssl inputs', () => {
  test('ca-csr.json gives the subject in cfssl order and the key type', () => {
    const csr = parseCfsslCsr(CA_CSR, 'ca-csr.json');
    expect(csr.keyType).toBe('rsa-4096');
    expect(csr.subject).toEqual({
      commonName: 'NoverIT',
      country: ['IT'],
      state: ['Italy'],
      locality: ['Milan'],
      organization: ['My Own Certification Authority'],
    });
  });

  test('a CA made from ca-csr.json and a server from server-csr.json verify with openssl', async () => {
    const temp = makeTempDir();
    try {
      const csr = parseCfsslCsr(CA_CSR.replace('4096', '2048'), 'ca-csr.json');
      const { store } = await CaStore.initialize(join(temp.dir, 'state'), await createCa({ subject: csr.subject, keyType: csr.keyType }));
      expect(x509Text(store.caCertificatePem)).toContain('Subject: C = IT, ST = Italy, L = Milan, O = My Own Certification Authority, CN = NoverIT');
      const server = parseCfsslCsr(SERVER_CSR, 'server-csr.json');
      const config = parseCfsslConfig(CA_CONFIG, 'ca-config.json');
      const issued = await store.issueServer({
        commonName: server.subject.commonName,
        hosts: server.hosts.map((host) => host.value),
        keyType: server.keyType,
        durationMs: cfsslExpiry(config, 'custom', 'ca-config.json'),
      });
      writeFileSync(join(temp.dir, 'ca.pem'), store.caCertificatePem);
      writeFileSync(join(temp.dir, 'server.pem'), issued.certificatePem);
      expect(openssl(['verify', '-CAfile', join(temp.dir, 'ca.pem'), join(temp.dir, 'server.pem')])).toContain('OK');
      const text = x509Text(issued.certificatePem);
      expect(text).toContain('DNS:docker, IP Address:10.10.10.60, IP Address:127.0.0.1, DNS:localhost');
      // "custom" asks for server auth + client auth; a dockauth server certificate stays serverAuth only.
      expect(text).toContain('TLS Web Server Authentication');
      expect(text).not.toContain('TLS Web Client Authentication');
      expect(issued.record.notAfter.getTime() - Date.now()).toBeGreaterThan(parseDuration('8759h'));
      store.close();
    } finally {
      temp.cleanup();
    }
  });

  test('ca-config.json expiries resolve per profile, falling back to the default', () => {
    const config = parseCfsslConfig(CA_CONFIG.replace('"expiry": "8760h"\n      }', '"expiry": "720h"\n      }'), 'ca-config.json');
    expect(cfsslExpiry(config, 'custom', 'ca-config.json')).toBe(parseDuration('720h'));
    expect(cfsslExpiry(config, undefined, 'ca-config.json')).toBe(parseDuration('8760h'));
    expect(() => cfsslExpiry(config, 'missing', 'ca-config.json')).toThrow(/no profile "missing"/);
  });

  test.each([
    ['an unknown key algorithm', CA_CSR.replace('"rsa"', '"dsa"'), /ca-csr.json: key \{"algo":"dsa","size":4096\} is not supported/],
    ['an unsupported RSA size', CA_CSR.replace('4096', '1024'), /is not supported/],
    ['an unknown field', CA_CSR.replace('"CN"', '"CNN"'), /unknown field "CNN"/],
    ['a missing CN', '{"key": {"algo": "ecdsa", "size": 256}}', /"CN" must be a non-empty string/],
    ['a bad name entry', CA_CSR.replace('"ST"', '"XX"'), /names\[0\]\.XX/],
    ['a bad host', SERVER_CSR.replace('"docker"', '"bad host"'), /hosts\[0\] "bad host": not a DNS name/],
    ['broken JSON', '{\n  "CN": "x",\n  "key": {"algo": "rsa" "size": 2048}\n}', /ca-csr.json: line 3, column 25: expected ',' or '}', found "\\""/],
  ])('%s is an InputError that names the file and the field', (_name, text, message) => {
    expect(() => parseCfsslCsr(text, 'ca-csr.json')).toThrow(InputError);
    expect(() => parseCfsslCsr(text, 'ca-csr.json')).toThrow(message);
  });

  test('unknown usages and bad expiries in ca-config.json are InputErrors', () => {
    expect(() => parseCfsslConfig(CA_CONFIG.replace('"signing",', '"root",'), 'ca-config.json')).toThrow(/unknown usage "root"/);
    expect(() => parseCfsslConfig(CA_CONFIG.replace('"8760h"', '"forever"'), 'ca-config.json')).toThrow(
      /signing.default.expiry: "forever" is not a duration/,
    );
  });
});

describe('durations', () => {
  test.each([
    ['365', 365 * 86_400_000],
    ['30d', 30 * 86_400_000],
    ['8760h', 365 * 86_400_000],
    ['1h30m', 90 * 60_000],
    ['2160h30m15s', (2160 * 3600 + 30 * 60 + 15) * 1000],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  test.each(['', 'abc', '-5', '1y', '30m', '1000000d', '8760 h'])('"%s" is refused', (text) => {
    expect(() => parseDuration(text, '--days')).toThrow(InputError);
  });
});
