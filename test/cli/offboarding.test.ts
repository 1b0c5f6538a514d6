import { createHash } from 'node:crypto';
import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockauth } from '../support/dockauth.js';
import { openssl } from '../support/openssl.js';
import { makeTempDir, snapshotTree } from '../support/temp.js';
import { createUser, describeAsRoot, removeUser, type LocalUser } from '../support/users.js';

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describeAsRoot('user remove: revoke, remove only what dockauth installed, list the rest', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let state: string;
  let alice: LocalUser;
  let bob: LocalUser;
  const run = (...args: string[]): ReturnType<typeof dockauth> => dockauth(['--dir', state, '--json', ...args, '--docker-socket', 'none']);

  beforeAll(() => {
    temp = makeTempDir();
    state = join(temp.dir, 'state');
    alice = createUser('offa');
    bob = createUser('offb');
    expect(dockauth(['--dir', state, 'ca', 'init', '-y']).status).toBe(0);
  });
  afterAll(() => {
    removeUser(alice);
    removeUser(bob);
    temp.cleanup();
  });

  test('alice: her three files go, her own docker config stays byte for byte and is listed; the CRL lists her certificate', () => {
    expect(dockauth(['--dir', state, 'user', 'add', alice.name, '-y']).status).toBe(0);
    const docker = join(alice.home, '.docker');
    const config = join(docker, 'config.json');
    writeFileSync(config, '{"auths":{}}\n');
    chownSync(config, alice.uid, alice.gid);
    const configHash = sha(config);
    const serial = dockauth(['--dir', state, '--json', 'user', 'show', alice.name]).json.certificates[0].serial as string;

    const before = snapshotTree(alice.home);
    const dry = run('--dry-run', 'user', 'remove', alice.name);
    expect(dry).toMatchObject({ status: 0, json: { changed: true, dryRun: true } });
    expect(dry.json.users[0].removed.sort()).toEqual([join(docker, 'ca.pem'), join(docker, 'cert.pem'), join(docker, 'key.pem')]);
    expect(snapshotTree(alice.home)).toEqual(before);

    const removed = run('user', 'remove', alice.name);
    expect(removed).toMatchObject({ status: 0, json: { changed: true } });
    expect(['ca.pem', 'cert.pem', 'key.pem'].map((name) => existsSync(join(docker, name)))).toEqual([false, false, false]);
    expect(sha(config)).toBe(configHash);
    expect(removed.json.users[0].left).toEqual([{ path: config, why: 'not installed by dockauth' }]);
    const crl = openssl(['crl', '-noout', '-text', '-in', join(state, 'crl.pem')]);
    expect(crl).toContain(serial.toUpperCase());
    expect(crl).toContain('Cessation Of Operation');
    const shown = dockauth(['--dir', state, '--json', 'user', 'show', alice.name]).json.certificates as Array<{ status: string }>;
    expect(shown.map((certificate) => certificate.status)).toEqual(['revoked']);
    // Again: nothing left to do.
    expect(run('user', 'remove', alice.name)).toMatchObject({ status: 0, json: { changed: false } });
  });

  test('bob: a cert.pem he replaced stays, and so does the key (not that certificate\'s); the CA copy goes', () => {
    expect(dockauth(['--dir', state, 'user', 'add', bob.name, '-y']).status).toBe(0);
    const docker = join(bob.home, '.docker');
    const other = makeTempDir();
    try {
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(other.dir, 'k.pem'), '-out', join(other.dir, 'c.pem'), '-subj', `/CN=${bob.name}`, '-days', '1']);
      writeFileSync(join(docker, 'cert.pem'), readFileSync(join(other.dir, 'c.pem')));
    } finally {
      other.cleanup();
    }
    const hashes = { cert: sha(join(docker, 'cert.pem')), key: sha(join(docker, 'key.pem')) };
    const removed = run('user', 'remove', bob.name);
    expect(removed.status).toBe(0);
    expect(removed.json.users[0].removed).toEqual([join(docker, 'ca.pem')]);
    expect(removed.json.users[0].left).toEqual([
      { path: join(docker, 'cert.pem'), why: `not a certificate dockauth issued to ${bob.name}` },
      { path: join(docker, 'key.pem'), why: 'not the key of a certificate dockauth installed' },
    ]);
    expect({ cert: sha(join(docker, 'cert.pem')), key: sha(join(docker, 'key.pem')) }).toEqual(hashes);
    expect(removed.json.users[0].serials).toHaveLength(1);
  });

  test('a name with neither certificate nor account is only warned about', () => {
    const ghost = run('user', 'remove', 'nosuchuser4712');
    expect(ghost).toMatchObject({ status: 0, json: { changed: false, unknown: ['nosuchuser4712'] } });
  });
});
