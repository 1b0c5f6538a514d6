import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaStore, createCa, type CertificateRecord, type Issued, SqliteInventory } from '@dockauth/ca';
import { makeTempDir } from '../../../../test/support/temp.js';
import { bundlePaths, outTarget } from '../client-bundle.js';
import { planIssuance, type IssuancePlan, type UserRequest } from './plan-issuance.js';

/** The planners are pure and synchronous: the store's records, read directly for them. */
const recordsOf = (store: CaStore, user: string) => {
  const inventory = SqliteInventory.open(CaStore.paths(store.dir).inventory, { readonly: true });
  try {
    return inventory.byUserNow(user);
  } finally {
    inventory.closeNow();
  }
};


const DAY = 86_400_000;

describe('planIssuance: what to sign, write and revoke, decided from the store and the files', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let store: CaStore;
  let out: string;
  beforeAll(async () => {
    temp = makeTempDir();
    out = join(temp.dir, 'out');
    mkdirSync(out);
    ({ store } = await CaStore.initialize(join(temp.dir, 'state'), await createCa({ subject: { commonName: 'Plan CA' } })));
  });
  afterAll(async () => {
    await store.close();
    temp.cleanup();
  });

  /** Issues for `user` and installs the bundle under out/, as a finished run would have. */
  const installed = async (user: string, groups: string[] = []): Promise<Issued> => {
    const issued = await store.issueClient({ user, groups, destination: join(out, user) });
    const paths = bundlePaths(outTarget(out, user));
    mkdirSync(join(out, user), { recursive: true });
    writeFileSync(paths.ca, store.caCertificatePem);
    writeFileSync(paths.certificate, issued.certificatePem);
    writeFileSync(paths.key, issued.privateKeyPem!);
    return issued;
  };
  const plan = (requests: UserRequest[], withinDays = 30, now = new Date()): IssuancePlan => {
    const result = planIssuance(requests, { out, withinDays }, {
      now,
      caPem: store.caCertificatePem,
      certificatesOf: (user) => recordsOf(store, user),
      accounts: new Map(),
      leftoversIn: (dir) => (dir.endsWith('/dan') ? [join(dir, '.key.pem.999999.0123456789ab.tmp')] : []),
    });
    if ('unknownUsers' in result) throw new Error('unexpected');
    return result;
  };

  test.each<[string, () => Promise<UserRequest>, Partial<IssuancePlan['users'][number]>]>([
    ['a new user is issued', async () => ({ user: 'new1' }), { action: 'issue', why: 'no valid certificate', groups: [] }],
    ['an installed user is left alone, groups kept', async () => (await installed('amy', ['lab']), { user: 'amy' }), { action: 'unchanged', groups: ['lab'] }],
    ['given groups that differ: re-issued, saying from what', async () => (await installed('bo', ['lab']), { user: 'bo', groups: ['chem'] }), { action: 'issue', groups: ['chem'], groupsBefore: ['lab'] }],
    ['missing files: re-issued, the old one superseded', async () => {
      await installed('cy');
      writeFileSync(bundlePaths(outTarget(out, 'cy')).key, 'garbage');
      return { user: 'cy' };
    }, { action: 'issue', why: 'installed files missing or different' }],
    ['a killed run\'s leftovers are found for removal', async () => (await installed('dan'), { user: 'dan' }), { action: 'unchanged', leftovers: [expect.stringMatching(/\/dan\/\.key\.pem\.999999\.0123456789ab\.tmp$/)] }],
  ])('%s', async (_name, make, expected) => {
    const request = await make();
    const [user] = plan([request]).users;
    expect(user).toMatchObject(expected);
  });

  test('a certificate recorded for the place but never installed (a run cut off) is planned for revocation', async () => {
    const good = await installed('eve');
    const orphan = await store.issueClient({ user: 'eve', destination: join(out, 'eve') });
    const [user] = plan([{ user: 'eve' }]).users;
    expect(user).toMatchObject({ action: 'unchanged', stale: [orphan.record.serial] });
    expect(user!.current?.serial).toBe(good.record.serial);
  });

  test('a holder of their own key: their key re-signed, only when due, never a new key', async () => {
    const own = await store.issueClient({ user: 'fay', groups: ['lab'] }); // stands for a CSR: record it as theirs
    const csr = await store.issueClients([{ user: 'fay', groups: ['lab'], publicKeyFrom: { certificatePem: own.certificatePem, keyType: own.record.keyType } }]);
    await store.revokeSerials([own.record.serial], 'superseded');
    const record = csr[0]!.record as CertificateRecord;
    expect(record.origin).toBe('csr');
    // Valid and not due: their certificate lives wherever they keep it; nothing to do.
    expect(plan([{ user: 'fay' }]).users[0]).toMatchObject({ action: 'unchanged' });
    // Without --out and no account here to install into: skipped, with what to do instead.
    const later = planIssuance([{ user: 'fay' }], { withinDays: 30 }, {
      now: new Date(Date.now() + 360 * DAY),
      caPem: store.caCertificatePem,
      certificatesOf: (user) => recordsOf(store, user),
      accounts: new Map(),
    });
    expect(later).toMatchObject({ users: [{ action: 'skip' }] });
    // Due: their own public key is re-signed (only cert.pem will be written).
    expect(plan([{ user: 'fay' }], 30, new Date(Date.now() + 360 * DAY)).users[0]).toMatchObject({
      action: 'issue',
      why: 'expires within 30 days',
      ownKey: { certificatePem: record.certificatePem },
    });
  });
});
