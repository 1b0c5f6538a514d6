import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SUBID_LIMITS, GeneratorInputError, allocateSubids, parseLoginDefs, subidLimits, type SubidLimits } from '../index.js';
import { makeTempDir } from '../../../../test/support/temp.js';
import { ACCOUNTS_LOCK } from '../../../../test/support/users.js';

const limits = DEFAULT_SUBID_LIMITS;
const allocate = (subuid: string, subgid: string, extra: { owner?: string; uid?: number; count?: number; uidLimits?: SubidLimits; gidLimits?: SubidLimits } = {}) =>
  allocateSubids({
    owner: extra.owner ?? 'alice',
    uid: extra.uid,
    count: extra.count,
    subuid: { text: subuid, where: '/etc/subuid', limits: extra.uidLimits ?? limits },
    subgid: { text: subgid, where: '/etc/subgid', limits: extra.gidLimits ?? limits },
  });

describe('subordinate id allocation', () => {
  test.each([
    ['empty files', '', '', 100000],
    ['after existing entries', 'root:100000:65536\nbob:165536:65536\n', 'root:100000:65536\nbob:165536:65536\n', 231072],
    ['into a gap that is big enough', 'a:100000:65536\nb:300000:65536\n', 'a:100000:65536\nb:300000:65536\n', 165536],
    ['past a gap that is too small', 'a:100000:65536\nb:170000:65536\n', '', 235536],
    ['avoiding ranges taken in the other file only', '', 'x:100000:200000\n', 300000],
    ['around comments, blank lines and numeric owners', '# site ranges\n\n1001:100000:65536\n', '1001:100000:65536\n', 165536],
  ])('%s', (_case, subuid, subgid, start) => {
    const result = allocate(subuid, subgid);
    expect(result.subuid).toEqual({ start, count: 65536, existing: false });
    expect(result.subgid).toEqual({ start, count: 65536, existing: false });
    // Existing text is kept byte for byte; one line is appended.
    expect(result.subuidText.startsWith(subuid)).toBe(true);
    expect(result.subuidText.slice(subuid.length).replace(/^\n/, '')).toBe(`alice:${start}:65536\n`);
  });

  test('a file without a final newline gets one before the new line', () => {
    expect(allocate('bob:100000:65536', '').subuidText).toBe('bob:100000:65536\nalice:165536:65536\n');
  });

  test('an owner who has a range keeps it, matched by name or by numeric uid', () => {
    const files = 'root:100000:65536\nalice:500000:1000\n';
    expect(allocate(files, files)).toMatchObject({ subuid: { start: 500000, existing: true }, subgid: { start: 500000, existing: true }, subuidText: files });
    const numeric = '1234:700000:65536\n';
    expect(allocate(numeric, numeric, { uid: 1234 })).toMatchObject({ subuid: { start: 700000, existing: true }, subuidText: numeric });
  });

  test('a range in one file only is mirrored into the other when free, else placed apart', () => {
    expect(allocate('alice:400000:65536\n', '')).toMatchObject({ subuid: { start: 400000, existing: true }, subgid: { start: 400000, existing: false } });
    expect(allocate('alice:100000:65536\n', 'bob:100000:65536\n')).toMatchObject({ subgid: { start: 165536, existing: false } });
  });

  test('login.defs limits and count are honoured; no room is a clear error', () => {
    const defs = parseLoginDefs('# login.defs\nSUB_UID_MIN 200000\nSUB_UID_MAX 0x7A120\nSUB_UID_COUNT 1000\nSUB_GID_MIN\t200000\n');
    const uidLimits = subidLimits(defs, 'UID');
    expect(uidLimits).toEqual({ min: 200000, max: 500000, count: 1000 });
    expect(allocate('', '', { uidLimits, gidLimits: subidLimits(defs, 'GID') }).subuid).toEqual({ start: 200000, count: 1000, existing: false });
    const top = { min: 100000, max: 165535, count: 65536 };
    expect(allocate('', '', { uidLimits: top, gidLimits: top }).subuid.start).toBe(100000);
    const full = 'x:100000:65536\n';
    expect(() => allocate(full, full, { uidLimits: top, gidLimits: top })).toThrow(GeneratorInputError);
    expect(() => allocate(full, full, { uidLimits: top, gidLimits: top })).toThrow(/no free range between 100000 and 165535/);
    // shadow's default space is 100000..600100000: 600,000,001 ids still fit, 600,100,000 cannot.
    expect(allocate('', '', { count: 600_000_001 }).subuid.start).toBe(100000);
    expect(() => allocate('', '', { count: 600_100_000 })).toThrow(/no free range/);
  });

  test.each([
    ['a missing field', 'root:100000\n', 1],
    ['a negative start', 'ok:100000:10\nbad:-5:10\n', 2],
    ['a zero count', '\n\nzero:100000:0\n', 3],
    ['spaces', 'a b:1:2\n', 1],
    ['past 2^32', 'big:4294967290:100\n', 1],
  ])('a malformed line (%s) is reported with its line number', (_case, text, line) => {
    expect(() => allocate(text, '')).toThrow(new RegExp(`/etc/subuid: line ${line} is not NAME:START:COUNT`));
  });
});

// What we write must be what the system's own tools read: getsubids (Debian's uidmap) parses
// /etc/subuid with shadow's libsubid. The files are bind-mounted over /etc/subuid in a private
// mount namespace, so the host's real files are never touched.
const canUseGetsubids = process.geteuid?.() === 0 && spawnSync('sh', ['-c', 'command -v getsubids && command -v unshare']).status === 0;
(canUseGetsubids ? test : test.skip)('getsubids reads the ranges we append', () => {
  const temp = makeTempDir();
  try {
    const existing = '# managed by hand\nroot:100000:65536\n\nbob:165536:65536';
    const result = allocate(existing, existing);
    const subuid = join(temp.dir, 'subuid');
    const subgid = join(temp.dir, 'subgid');
    writeFileSync(subuid, result.subuidText);
    writeFileSync(subgid, result.subgidText);
    // The bind mounts need something to mount over; an empty file is what shadow itself creates.
    for (const file of ['/etc/subuid', '/etc/subgid']) if (!existsSync(file)) writeFileSync(file, '', { mode: 0o644 });
    const script = `mount --bind ${subuid} /etc/subuid && mount --bind ${subgid} /etc/subgid && getsubids alice && getsubids -g alice && getsubids bob`;
    // Under the test suite's accounts lock: a useradd elsewhere replaces /etc/subuid by rename,
    // which would leave the bind mount on the old, unlinked file and getsubids reading the new one.
    const run = spawnSync('flock', ['--timeout', '120', ACCOUNTS_LOCK, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toEqual(['0: alice 231072 65536', '0: alice 231072 65536', '0: bob 165536 65536']);
  } finally {
    temp.cleanup();
  }
});
