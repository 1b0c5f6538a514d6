import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, renameSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CaStore, InputError, createCa, importCa, parseDuration } from '../index.js';
import { openssl, x509Text } from '../../../../test/support/openssl.js';
import { makeTempDir, snapshotTree } from '../../../../test/support/temp.js';

const run = promisify(execFile);
const WORKER = new URL('../../../../test/support/issue-worker.mjs', import.meta.url).pathname;

describe('the CA store', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.cleanup());

  const initStore = async (name = 'state', passphrase?: string): Promise<string> => {
    const dir = join(temp.dir, name);
    const { store } = await CaStore.initialize(dir, await createCa({ subject: { commonName: 'Store CA' }, passphrase }));
    store.close();
    return dir;
  };

  /** Asserts that `attempt` fails with an InputError matching `message` and leaves `dir` as it was. */
  const expectInputErrorUnchanged = async (dir: string, attempt: () => Promise<unknown>, message: RegExp): Promise<InputError> => {
    const before = existsSync(dir) ? snapshotTree(dir) : undefined;
    let caught: unknown;
    try {
      await attempt();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as Error).message).toMatch(message);
    expect(existsSync(dir) ? snapshotTree(dir) : undefined).toEqual(before);
    return caught as InputError;
  };

  test('init makes a 0700 directory, a 0600 key and records the CA; a second init changes nothing', async () => {
    const dir = await initStore();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'inventory.db')).mode & 0o777).toBe(0o600);
    const before = snapshotTree(dir);
    const again = await CaStore.initialize(dir, await createCa({ subject: { commonName: 'Other CA' } }));
    expect(again.created).toBe(false);
    expect(again.store.caCertificate.subject).toBe('CN=Store CA');
    again.store.close();
    const after = snapshotTree(dir);
    expect(after['/ca.pem']).toEqual(before['/ca.pem']);
    expect(after['/ca-key.pem']).toEqual(before['/ca-key.pem']);
    const store = await CaStore.open(dir);
    expect(await store.list({ profile: 'ca' })).toHaveLength(1);
    store.close();
  });

  test('a missing CA is reported with the command that makes one, and nothing is created', async () => {
    const empty = join(temp.dir, 'empty');
    mkdirSync(empty, { mode: 0o700 });
    const error = await expectInputErrorUnchanged(empty, () => CaStore.open(empty), /there is no CA in it/);
    expect(error.hint).toContain('dockauth ca init --dir');
    const absent = join(temp.dir, 'absent');
    await expectInputErrorUnchanged(absent, () => CaStore.open(absent), /does not exist/);
    expect(existsSync(absent)).toBe(false);
  });

  test('a CA key that group or others can read is refused, with the fix, and nothing is issued', async () => {
    const dir = await initStore();
    chmodSync(join(dir, 'ca-key.pem'), 0o640);
    const store = await CaStore.open(dir);
    const error = await expectInputErrorUnchanged(dir, () => store.issueClient({ user: 'alice' }), /mode 0640 lets group or others use it/);
    expect(error.hint).toBe(`chmod 600 ${join(dir, 'ca-key.pem')}`);
    store.close();
  });

  test('a CA key replaced by a symlink, or a group-writable state directory, is refused', async () => {
    const dir = await initStore();
    renameSync(join(dir, 'ca-key.pem'), join(temp.dir, 'moved-key.pem'));
    symlinkSync(join(temp.dir, 'moved-key.pem'), join(dir, 'ca-key.pem'));
    const store = await CaStore.open(dir);
    await expectInputErrorUnchanged(dir, () => store.issueClient({ user: 'alice' }), /not a regular file/);
    store.close();
    const other = await initStore('other');
    chmodSync(other, 0o770);
    const error = await expectInputErrorUnchanged(other, () => CaStore.open(other), /lets group or others write/);
    expect(error.hint).toBe(`chmod 700 ${other}`);
  });

  test('an encrypted CA key needs its passphrase; a wrong one is refused and changes nothing', async () => {
    const dir = await initStore('state', 'correct horse');
    expect(readFileSync(join(dir, 'ca-key.pem'), 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    // openssl reads it as PKCS#8 with PBES2/AES-256.
    expect(openssl(['pkey', '-in', join(dir, 'ca-key.pem'), '-passin', 'pass:correct horse', '-noout'])).toBe('');
    const asn1 = openssl(['asn1parse', '-in', join(dir, 'ca-key.pem')]);
    expect(asn1).toContain('PBES2');
    expect(asn1).toContain('aes-256-cbc');
    for (const passphrase of [undefined, 'wrong']) {
      const store = await CaStore.open(dir, { passphrase });
      await expectInputErrorUnchanged(dir, () => store.issueClient({ user: 'alice' }), passphrase ? /wrong passphrase/ : /encrypted and no passphrase/);
      store.close();
    }
    const store = await CaStore.open(dir, { passphrase: 'correct horse' });
    await expect(store.issueClient({ user: 'alice' })).resolves.toBeDefined();
    store.close();
  });

  test('bad names are refused before anything is written', async () => {
    const dir = await initStore();
    const store = await CaStore.open(dir);
    for (const user of ['', '../etc', 'alice;rm -rf /', 'a b', '-rf', '$(id)', 'x'.repeat(33)]) {
      await expectInputErrorUnchanged(dir, () => store.issueClient({ user }), /not a valid login name/);
    }
    await expectInputErrorUnchanged(dir, () => store.issueClient({ user: 'alice', groups: ['ok', '../x'] }), /not a valid group name/);
    await expectInputErrorUnchanged(dir, () => store.issueServer({ hosts: ['bad host'] }), /not a DNS name or IP address/);
    await expectInputErrorUnchanged(dir, () => store.issueServer({ hosts: [] }), /no host names given/);
    store.close();
  });

  test('validity is backdated for clock skew and never outlives the CA', async () => {
    const dir = join(temp.dir, 'short');
    const { store } = await CaStore.initialize(dir, await createCa({ subject: { commonName: 'Short CA' }, durationMs: parseDuration('720h') }));
    const before = Date.now();
    const issued = await store.issueClient({ user: 'alice', durationMs: parseDuration('8760h') });
    expect(issued.clampedToCa).toBe(true);
    expect(issued.record.notAfter.getTime()).toBe(store.caCertificate.notAfter.getTime());
    expect(before - issued.record.notBefore.getTime()).toBeGreaterThanOrEqual(4 * 60_000);
    expect(before - issued.record.notBefore.getTime()).toBeLessThan(6 * 60_000);
    const text = x509Text(issued.certificatePem);
    expect(text).toContain(`Not After : ${openssl(['x509', '-noout', '-enddate'], store.caCertificatePem).trim().slice('notAfter='.length)}`);
    store.close();
  });

  test('a CA made by openssl (PKCS#1 RSA, encrypted) or cfssl-style (SEC1 EC) can be imported and used', async () => {
    const rsaKey = join(temp.dir, 'rsa-key.pem');
    openssl(['genrsa', '-traditional', '-aes256', '-passout', 'pass:s3cret', '-out', rsaKey, '2048']);
    expect(readFileSync(rsaKey, 'utf8')).toContain('Proc-Type: 4,ENCRYPTED');
    const rsaCert = openssl(['req', '-x509', '-new', '-key', rsaKey, '-passin', 'pass:s3cret', '-subj', '/CN=Old openssl CA', '-days', '30',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    const ecKeyFile = join(temp.dir, 'ec-key.pem');
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', ecKeyFile]);
    const ecKey = readFileSync(ecKeyFile, 'utf8');
    expect(ecKey).toContain('BEGIN EC PRIVATE KEY');
    const ecCert = openssl(['req', '-x509', '-new', '-key', ecKeyFile, '-subj', '/CN=Old cfssl CA', '-days', '30']);
    for (const [name, certificatePem, privateKeyPem, passphrase] of [
      ['rsa', rsaCert, readFileSync(rsaKey, 'utf8'), 's3cret'],
      ['ec', ecCert, ecKey, undefined],
    ] as const) {
      const material = await importCa({ certificatePem, privateKeyPem, passphrase, certificateWhere: 'ca.pem', keyWhere: 'ca-key.pem' });
      expect(material.origin).toBe('imported');
      const { store } = await CaStore.initialize(join(temp.dir, name), material, { passphrase });
      const issued = await store.issueClient({ user: 'alice' });
      const caFile = join(temp.dir, `${name}-ca.pem`);
      const certFile = join(temp.dir, `${name}-alice.pem`);
      writeFileSync(caFile, certificatePem);
      writeFileSync(certFile, issued.certificatePem);
      expect(openssl(['verify', '-CAfile', caFile, certFile])).toContain('OK');
      store.close();
    }
  });

  test('import refuses a key that is not the certificate\'s, a non-CA certificate, and a wrong passphrase', async () => {
    const ca = await createCa({ subject: { commonName: 'Real CA' } });
    const other = await createCa({ subject: { commonName: 'Other CA' } });
    const base = { certificateWhere: 'ca.pem', keyWhere: 'ca-key.pem' };
    await expect(importCa({ ...base, certificatePem: ca.certificatePem, privateKeyPem: other.privateKeyPem })).rejects.toThrow(/does not belong to the CA certificate/);
    const leafKeyFile = join(temp.dir, 'leaf-key.pem');
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', leafKeyFile]);
    const leafKey = readFileSync(leafKeyFile, 'utf8');
    const leaf = openssl(['req', '-x509', '-new', '-key', leafKeyFile, '-subj', '/CN=leaf', '-addext', 'basicConstraints=critical,CA:FALSE']);
    await expect(importCa({ ...base, certificatePem: leaf, privateKeyPem: leafKey })).rejects.toThrow(/not a CA certificate/);
    const encrypted = await createCa({ subject: { commonName: 'Enc CA' }, passphrase: 'right' });
    await expect(importCa({ ...base, ...encrypted, passphrase: 'wrong' })).rejects.toThrow(/wrong passphrase/);
    await expect(importCa({ ...base, certificatePem: 'garbage', privateKeyPem: ca.privateKeyPem })).rejects.toThrow(/no PEM certificate/);
    const weakKeyFile = join(temp.dir, 'weak-key.pem');
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', weakKeyFile]);
    const weak = openssl(['req', '-x509', '-new', '-key', weakKeyFile, '-subj', '/CN=weak', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await expect(importCa({ ...base, certificatePem: weak, privateKeyPem: readFileSync(weakKeyFile, 'utf8') })).rejects.toThrow(/unsupported key \(rsa 1024 bits\)/);
  });

  test('20 processes issuing at once get 20 distinct serials and 20 inventory rows', async () => {
    const dir = await initStore();
    const users = Array.from({ length: 20 }, (_, index) => `user${index}`);
    const results = await Promise.all(users.map((user) => run(process.execPath, [WORKER, dir, user])));
    const serials = results.map((result) => result.stdout.trim());
    expect(new Set(serials).size).toBe(20);
    const store = await CaStore.open(dir);
    const clients = await store.list({ profile: 'client' });
    expect(clients).toHaveLength(20);
    expect(clients.map((record) => record.serial).sort()).toEqual([...serials].sort());
    expect(clients.map((record) => record.user).sort()).toEqual([...users].sort());
    store.close();
  });
});
