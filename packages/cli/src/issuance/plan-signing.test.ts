import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaStore, createCa, type Issued, SqliteInventory } from '@dockauth/ca';
import { openssl } from '../../../../test/support/openssl.js';
import { makeTempDir } from '../../../../test/support/temp.js';
import { planCrl } from './crl-publication.js';
import { planSign, type SignPlan } from './csr-signing.js';

/** The planners are pure and synchronous: the store's records, read directly for them. */
const recordsOf = (store: CaStore, user: string) => {
  const inventory = SqliteInventory.open(CaStore.paths(store.dir).inventory, { readonly: true });
  try {
    return inventory.byUserNow(user);
  } finally {
    inventory.closeNow();
  }
};


describe('planSign and planCrl: what is signed, recorded, written and revoked, decided from the store and the files', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let store: CaStore;
  let out: string;
  const csrFor = (user: string): string => {
    const key = join(temp.dir, `${user}-key.pem`);
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    return openssl(['req', '-new', '-key', key, '-subj', `/CN=${user}`]);
  };
  beforeAll(async () => {
    temp = makeTempDir();
    out = join(temp.dir, 'out');
    mkdirSync(out);
    ({ store } = await CaStore.initialize(join(temp.dir, 'state'), await createCa({ subject: { commonName: 'Sign Plan CA' } })));
  });
  afterAll(async () => {
    await store.close();
    temp.cleanup();
  });

  /** A certificate signed for `user` and recorded for `file`; written there when `write`. */
  const signed = async (user: string, file: string | undefined, write: boolean): Promise<Issued> => {
    const issued = await store.signClientCsr({ csrPem: csrFor(user), where: 'test.csr', user, destination: file });
    if (write && file) writeFileSync(file, issued.certificatePem);
    return issued;
  };
  const leftoversIn = (dir: string): string[] => [join(dir, '.cert-dan.pem.999999.0123456789ab.tmp'), join(dir, '.other.pem.999999.0123456789ab.tmp')];
  const plan = (user: string, file: string | undefined): SignPlan =>
    planSign({ csr: 'test.csr', user, groups: [], out: file }, { now: new Date(), certificatesOf: (name) => recordsOf(store, name), leftoversIn });

  test.each<[string, string, (file: string) => Promise<Record<string, unknown>>]>([
    ['a first signing into a new file revokes nothing', 'amy', async () => ({ supersedes: [], stale: [], kept: [] })],
    ['the certificate the file holds is superseded', 'bo', async (file) => ({ supersedes: [(await signed('bo', file, true)).record.serial], stale: [], kept: [] })],
    ['one recorded for the file but never written there (a run cut off) is stale', 'cy', async (file) => {
      const installed = await signed('cy', file, true);
      const orphan = await signed('cy', file, false);
      return { supersedes: [installed.record.serial], stale: [orphan.record.serial], kept: [] };
    }],
    ['certificates kept elsewhere (stdout, another file) stay valid', 'eve', async (file) => {
      const elsewhere = [await signed('eve', undefined, false), await signed('eve', join(out, 'eve-laptop.pem'), true)];
      return { supersedes: [], stale: [], kept: elsewhere.map((issued) => issued.record.serial).sort() };
    }],
    ['only the temporary files of --out are leftovers', 'dan', async () => ({ leftovers: [join(out, '.cert-dan.pem.999999.0123456789ab.tmp')] })],
  ])('%s', async (_name, user, make) => {
    const file = join(out, `cert-${user}.pem`);
    const expected = await make(file);
    const result = plan(user, file);
    expect({ ...result, kept: [...result.kept].sort() }).toMatchObject({ ...expected, destination: file, out: file });
  });

  test('to standard output: nothing recorded for a place, nothing revoked, no leftovers looked for', async () => {
    const before = await signed('fay', join(out, 'fay.pem'), true);
    expect(plan('fay', undefined)).toEqual({ csr: 'test.csr', user: 'fay', groups: [], out: undefined, destination: null, supersedes: [], stale: [], kept: [before.record.serial], leftovers: [] });
  });

  test('an expired or revoked certificate in --out is not revoked again', async () => {
    const file = join(out, 'gus.pem');
    const old = await signed('gus', file, true);
    await store.revokeSerials([old.record.serial], 'superseded');
    expect(plan('gus', file)).toMatchObject({ supersedes: [], stale: [] });
    expect(planSign({ csr: 'c', user: 'bo', groups: [], out: join(out, 'cert-bo.pem') }, { now: new Date(Date.now() + 400 * 86_400_000), certificatesOf: (name) => recordsOf(store, name), leftoversIn })).toMatchObject({ supersedes: [], stale: [], kept: [] });
  });

  test.each<[string, { state?: string; out?: string | null }, Record<string, unknown>]>([
    ['no --out: only the state CRL', { state: 'A' }, { out: null, outBehind: false }],
    ['--out holding the same CRL is not behind', { state: 'A', out: 'A' }, { outBehind: false }],
    ['--out never written (or cut off before it) is behind', { state: 'A', out: null }, { outBehind: true }],
    ['--out older than the state CRL is behind', { state: 'B', out: 'A' }, { outBehind: true }],
  ])('crl: %s', (name, files, expected) => {
    const dir = join(temp.dir, `crl-${name.length}`);
    mkdirSync(dir, { recursive: true });
    const crl = join(dir, 'crl.pem');
    if (files.state) writeFileSync(crl, files.state);
    const target = 'out' in files ? join(dir, 'out.pem') : undefined;
    if (files.out) writeFileSync(target!, files.out);
    const planned = planCrl({ crl, out: target, revoked: 3, leftoversIn: (inDir) => [join(inDir, '.crl.pem.999999.0123456789ab.tmp'), join(inDir, '.out.pem.999999.0123456789ab.tmp'), join(inDir, '.key.pem.999999.0123456789ab.tmp')] });
    expect(planned).toMatchObject({ crl, revoked: 3, ...expected });
    // The temporary files of the two CRLs, and no others.
    expect(planned.leftovers.sort()).toEqual(target ? [join(dir, '.crl.pem.999999.0123456789ab.tmp'), join(dir, '.out.pem.999999.0123456789ab.tmp')] : [join(dir, '.crl.pem.999999.0123456789ab.tmp')]);
  });
});
