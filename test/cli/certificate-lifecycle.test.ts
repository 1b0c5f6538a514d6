import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockauth } from '../support/dockauth.js';
import { openssl } from '../support/openssl.js';
import { makeTempDir } from '../support/temp.js';
import { createUser, describeAsRoot, removeUser, type LocalUser } from '../support/users.js';

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const pubkey = (args: string[]): string => openssl(args);

/** A home ~/.docker with a key the user made and holds, as that user's files. */
function ownKey(user: LocalUser, dir: string): { key: string; csr: string } {
  const docker = join(user.home, '.docker');
  mkdirSync(docker, { mode: 0o755 });
  chownSync(docker, user.uid, user.gid);
  const key = join(docker, 'key.pem');
  const csr = join(dir, `${user.name}.csr`);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', `/CN=${user.name}`, '-out', csr]);
  chownSync(key, user.uid, user.gid);
  return { key, csr };
}

// What a sysadmin does over weeks: renewals and re-runs must keep what users brought and had.
describeAsRoot('certificates over their life: own keys, backups, groups', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let state: string;
  let carol: LocalUser; // keeps her own key, installed her certificate in ~/.docker
  let dave: LocalUser; // keeps his own key, uses his certificate elsewhere
  let erin: LocalUser; // ordinary: dockauth made her key
  const run = (...args: string[]) => dockauth(['--dir', state, '--json', ...args]);

  beforeAll(() => {
    temp = makeTempDir();
    state = join(temp.dir, 'state');
    [carol, dave, erin] = [createUser('lcca'), createUser('lccd'), createUser('lcce')];
    expect(run('ca', 'init', '--cn', 'Lifecycle CA').status).toBe(0);
  });
  afterAll(() => {
    [carol, dave, erin].forEach(removeUser);
    temp.cleanup();
  });

  test('renewing a user who keeps their own key re-signs that key, writes only cert.pem and keeps the old one', () => {
    const { key, csr } = ownKey(carol, temp.dir);
    const signedPath = join(temp.dir, 'carol-cert.pem');
    expect(run('sign', '--csr', csr, '--user', carol.name, '--group', 'lab', '--out', signedPath).status).toBe(0);
    const cert = join(carol.home, '.docker', 'cert.pem');
    writeFileSync(cert, readFileSync(signedPath));
    chownSync(cert, carol.uid, carol.gid);
    const [keyBefore, certBefore] = [sha256(key), sha256(cert)];
    const oldSerial = run('user', 'show', carol.name).json.certificates[0].serial as string;

    // Nothing due: nothing changes.
    expect(run('user', 'renew', carol.name)).toMatchObject({ status: 0, json: { changed: false } });
    const dry = dockauth(['--dir', state, 'user', 'renew', carol.name, '--within', '400', '--dry-run']);
    expect(dry.stdout).toContain('would re-sign their own public key and write cert.pem only');
    expect(sha256(cert)).toBe(certBefore);

    const renewed = run('user', 'renew', '--all', '--within', '400');
    expect(renewed.status).toBe(0);
    const outcome = renewed.json.users.find((user: { user: string }) => user.user === carol.name);
    expect(outcome).toMatchObject({ action: 'issued', ownKey: true, groups: ['lab'], superseded: [oldSerial] });
    expect(sha256(key)).toBe(keyBefore); // her key, untouched
    expect(sha256(cert)).not.toBe(certBefore);
    expect(pubkey(['x509', '-noout', '-pubkey', '-in', cert])).toBe(pubkey(['pkey', '-pubout', '-in', key]));
    expect(openssl(['verify', '-CAfile', join(state, 'ca.pem'), '-purpose', 'sslclient', cert])).toContain('OK');
    // The certificate it replaced is kept beside it, byte for byte.
    expect(outcome.backups).toHaveLength(1);
    expect(sha256(outcome.backups[0])).toBe(certBefore);
    expect(readdirSync(join(carol.home, '.docker')).filter((name) => name.startsWith('key.pem.'))).toEqual([]);
    expect(existsSync(join(carol.home, '.docker', 'ca.pem'))).toBe(false);
    const old = run('user', 'show', carol.name).json.certificates.find((c: { serial: string }) => c.serial === oldSerial);
    expect(old).toMatchObject({ status: 'revoked', revocationReason: 'superseded' });
  });

  test('a user who keeps their own key elsewhere is told what to do, and nothing is written into their home', () => {
    const { key, csr } = ownKey(dave, temp.dir);
    expect(run('sign', '--csr', csr, '--user', dave.name).status).toBe(0);
    const before = readdirSync(join(dave.home, '.docker'));
    const keyBefore = sha256(key);
    expect(run('user', 'renew', dave.name)).toMatchObject({ status: 0, json: { changed: false } });
    const due = run('user', 'renew', dave.name, '--within', '400');
    expect(due.status).toBe(0);
    expect(due.json.users[0]).toMatchObject({ action: 'skipped', changed: false });
    expect(due.stderr).toContain(`dockauth sign --csr FILE --user ${dave.name}`);
    expect(readdirSync(join(dave.home, '.docker'))).toEqual(before);
    expect(sha256(key)).toBe(keyBefore);
    // user add names him explicitly: still no key of ours over his.
    expect(run('user', 'add', dave.name, '--within', '400').json.users[0]).toMatchObject({ action: 'skipped' });
    expect(readdirSync(join(dave.home, '.docker'))).toEqual(before);
  });

  test('renewing a generated bundle keeps every replaced file in the home as a backup', () => {
    expect(run('user', 'add', erin.name, '--group', 'physics').status).toBe(0);
    const dir = join(erin.home, '.docker');
    const hashes = Object.fromEntries(['ca.pem', 'cert.pem', 'key.pem'].map((name) => [name, sha256(join(dir, name))]));
    const renewed = run('user', 'renew', erin.name, '--within', '400');
    expect(renewed.json.users[0]).toMatchObject({ action: 'issued', groups: ['physics'] });
    const backups = renewed.json.users[0].backups as string[];
    expect(backups.map((path) => path.split('/').pop()!.replace(/\.dockauth-backup-.*/, '')).sort()).toEqual(['cert.pem', 'key.pem']);
    for (const backup of backups) expect(sha256(backup)).toBe(hashes[backup.split('/').pop()!.replace(/\.dockauth-backup-.*/, '')]);
    expect(execFileSync('stat', ['-c', '%a %U', backups.find((path) => path.includes('key.pem'))!], { encoding: 'utf8' }).trim()).toBe(`600 ${erin.name}`);
  });

  test('groups stay on a re-run without --group; changing them is explicit and says what it revokes', () => {
    const first = run('user', 'show', erin.name).json.certificates.find((c: { status: string }) => c.status === 'valid');
    expect(run('user', 'add', erin.name)).toMatchObject({ status: 0, json: { changed: false } });
    // Re-issued for expiry: the groups come along.
    const reissued = run('user', 'add', erin.name, '--within', '400');
    expect(reissued.json.users[0]).toMatchObject({ action: 'issued', groups: ['physics'], groupsBefore: null });
    expect(openssl(['x509', '-noout', '-subject', '-in', join(erin.home, '.docker', 'cert.pem')])).toContain('O = physics');
    const current = reissued.json.users[0].serial as string;
    expect(current).not.toBe(first.serial);
    // A --from line without groups keeps them too.
    const list = join(temp.dir, 'users.txt');
    writeFileSync(list, `${erin.name}\n`);
    expect(run('user', 'add', '--from', list)).toMatchObject({ status: 0, json: { changed: false } });
    const changed = dockauth(['--dir', state, 'user', 'add', erin.name, '--group', 'chemistry']);
    expect(changed.status).toBe(0);
    expect(changed.stdout).toContain('groups: physics -> chemistry');
    expect(changed.stdout).toContain(`revoked ${current} (superseded)`);
    expect(openssl(['x509', '-noout', '-subject', '-in', join(erin.home, '.docker', 'cert.pem')])).toContain('O = chemistry');
  });

  test('user list marks certificates that expire soon, and says how to renew them', () => {
    const quiet = run('user', 'list');
    expect(quiet.json.expiringSoon).toEqual([]);
    const soon = run('user', 'list', '--within', '400');
    expect(soon.json.expiringSoon).toEqual(expect.arrayContaining([erin.name, carol.name]));
    const text = dockauth(['--dir', state, 'user', 'list', '--within', '400']).stdout;
    expect(text).toMatch(new RegExp(`${erin.name}\\s+valid, expires in 36\\d days`));
    expect(text).toContain('dockauth user renew --all --within 400');
  });
});
