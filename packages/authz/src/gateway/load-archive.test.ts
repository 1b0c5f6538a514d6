import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { DockerLookup } from '../engine/lookups.js';
import { LoadArchiveCheck } from './load-archive.js';

/**
 * docker load through the gateway: each archive below tries to give an image a name that is not
 * the user's ("victim/app:latest"), by a way Go's archive/tar (dockerd's reader) and a naive
 * reader part ways. Every one is refused; a plain archive under the user's own name, or one
 * that names an image already under that name, passes, with its names held back to the end.
 */

const CONFIG = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
const CONFIG_ID = `sha256:${createHash('sha256').update(CONFIG).digest('hex')}`;
/** dockerd knows victim/app as the image whose config is CONFIG. */
const docker = {
  image: async (name: string) => (name.includes('victim/app') ? { id: CONFIG_ID, repoTags: [name], repoDigests: [], labels: {} } : undefined),
} as unknown as DockerLookup;

const MANIFEST = Buffer.from(JSON.stringify([{ Config: 'b'.repeat(64) + '.json', RepoTags: ['victim/app:latest'], Layers: [] }]));

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}
function header(name: string, size: number, type = '0', tweak?: (h: Buffer) => void): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write(octal(0o644, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(0, 12), 136, 'latin1');
  h.write(type, 156, 'latin1');
  h.write('ustar\0' + '00', 257, 'latin1');
  tweak?.(h);
  h.fill(0x20, 148, 156);
  const sum = h.reduce((a, b) => a + b, 0);
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}
const pad = (data: Buffer): Buffer => Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
const file = (name: string, data: Buffer, type = '0', tweak?: (h: Buffer) => void): Buffer => Buffer.concat([header(name, data.length, type, tweak), pad(data)]);
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length += 1;
  return `${length}${body}`;
}
const END = Buffer.alloc(1024);

/** Runs an archive through the check: the verdict and what went on to dockerd. */
async function run(archive: Buffer): Promise<{ refused?: string; out: Buffer }> {
  const check = new LoadArchiveCheck('alice', docker);
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    check.on('data', (chunk: Buffer) => chunks.push(chunk));
    check.on('error', (error) => resolve({ refused: error.message, out: Buffer.concat(chunks) }));
    check.on('end', () => resolve({ out: Buffer.concat(chunks) }));
    Readable.from([archive]).pipe(check);
  });
}


const configFile = (name: string): Buffer => file(name, CONFIG);
const manifestFor = (config: string, tags: string[]): Buffer => Buffer.from(JSON.stringify([{ Config: config, RepoTags: tags, Layers: [] }]));
const ID_HEX = CONFIG_ID.slice('sha256:'.length);

describe('a plain archive', () => {
  test('under the user\'s own name passes, byte for byte, with manifest.json moved after the rest and one end', async () => {
    const layer = file('layer.tar', Buffer.alloc(3000, 7));
    const manifest = file('manifest.json', manifestFor(`${ID_HEX}.json`, ['alice/app:latest']));
    const verdict = await run(Buffer.concat([manifest, configFile(`${ID_HEX}.json`), layer, END, Buffer.alloc(9 * 1024)]));
    expect(verdict.refused).toBeUndefined();
    expect(verdict.out).toEqual(Buffer.concat([configFile(`${ID_HEX}.json`), layer, manifest, END]));
  });

  test('naming an image that already has that name, with the same config (docker save busybox | docker load), passes', async () => {
    expect((await run(Buffer.concat([configFile(`blobs/sha256/${ID_HEX}`), file('manifest.json', manifestFor(`blobs/sha256/${ID_HEX}`, ['victim/app:latest'])), END]))).refused).toBeUndefined();
  });

  test('naming a shared image it is not is refused, and what went on to dockerd holds no manifest and no end', async () => {
    const verdict = await run(Buffer.concat([file('manifest.json', MANIFEST), END]));
    expect(verdict.refused).toMatch(/docker\.io\/victim\/app:latest, which is not under your own name/);
    expect(verdict.out.includes(Buffer.from('RepoTags'))).toBe(false);
  });

  test('cut short (no end of archive) is refused', async () => {
    expect((await run(file('layer.tar', Buffer.alloc(100)).subarray(0, 700))).refused).toMatch(/ends in the middle/);
  });
});

describe('archives that read differently to a naive reader are refused', () => {
  test('the image ID is the digest of the config\'s content, never its file name', async () => {
    const manifest = manifestFor(`${'a'.repeat(64)}.json`, ['victim/app:latest']);
    const verdict = await run(Buffer.concat([file(`${'a'.repeat(64)}.json`, Buffer.from('{"trojan":true}')), file('manifest.json', manifest), END]));
    expect(verdict.refused).toMatch(/not under your own name/);
  });

  test('keys Go matches in any case ("RepoTags" then "repotags")', async () => {
    const manifest = Buffer.from(`[{"Config":"${'b'.repeat(64)}.json","RepoTags":[],"repotags":["victim/app:latest"],"Layers":[]}]`);
    expect((await run(Buffer.concat([file('manifest.json', manifest), END]))).refused).toMatch(/not JSON dockerd would read the same way/);
  });

  test('a V7 header (no magic) with bytes where a POSIX prefix would be', async () => {
    const entry = file('manifest.json', MANIFEST, '0', (h) => {
      h.fill(0, 257, 265);
      h.write('x', 345, 'latin1');
    });
    expect((await run(Buffer.concat([entry, END]))).refused).toMatch(/not in the ustar or GNU tar format/);
  });

  test('a POSIX header with a name prefix', async () => {
    expect((await run(Buffer.concat([file('manifest.json', MANIFEST, '0', (h) => h.write('x', 345, 'latin1')), END]))).refused).toMatch(/prefix/);
  });

  test('a GNU header: its bytes at 345 are not a prefix, and the name is read as Go reads it', async () => {
    const entry = file('manifest.json', MANIFEST, '0', (h) => {
      h.write('ustar  \0', 257, 'latin1');
      h.write('00000000000\0', 345, 'latin1');
    });
    expect((await run(Buffer.concat([entry, END]))).refused).toMatch(/not under your own name/);
  });

  test('a PAX "size" record (Go would read a different length)', async () => {
    const hidden = file('manifest.json', MANIFEST);
    const archive = Buffer.concat([file('PaxHeaders/a', Buffer.from(paxRecord('size', '0')), 'x'), header('a', hidden.length), hidden, END]);
    expect((await run(archive)).refused).toMatch(/PAX header sets size/);
  });

  test('a size field with NULs on both sides is read as Go reads it (512), so the manifest behind it is found', async () => {
    const a = header('a', 0, '0', (h) => h.write('\0\0\0\0\0\0\0' + '1000\0', 124, 'latin1'));
    const archive = Buffer.concat([a, header('pad', 1024), file('manifest.json', MANIFEST), END]);
    expect((await run(archive)).refused).toMatch(/not under your own name/);
  });

  test('a GNU long name', async () => {
    const archive = Buffer.concat([file('././@LongLink', Buffer.from('manifest.json\0'), 'L'), file('decoy', MANIFEST), END]);
    expect((await run(archive)).refused).toMatch(/type "L"/);
  });

  test('a PAX path (and one hidden in another record\'s value)', async () => {
    const records = paxRecord('comment', 'x\n9 path=d\n') + paxRecord('path', 'manifest.json');
    expect((await run(Buffer.concat([file('PaxHeaders/m', Buffer.from(records), 'x'), file('ignored', MANIFEST), END]))).refused).toMatch(/PAX header sets path/);
  });

  test('a path through a symlink the archive made ("d" -> "." then "d/manifest.json")', async () => {
    const link = header('d', 0, '2', (h) => h.write('.', 157, 'latin1'));
    expect((await run(Buffer.concat([link, file('d/manifest.json', MANIFEST), END]))).refused).toMatch(/goes through a symlink/);
  });

  test('a manifest.json that is a link', async () => {
    const link = header('manifest.json', 0, '2', (h) => h.write('layer.tar', 157, 'latin1'));
    expect((await run(Buffer.concat([link, END]))).refused).toMatch(/not a plain file/);
  });

  test('a bad header checksum', async () => {
    const entry = file('manifest.json', MANIFEST);
    entry[0] = 0x4e; // "N": the checksum no longer matches
    expect((await run(Buffer.concat([entry, END]))).refused).toMatch(/checksum/);
  });

  test('names in index.json with no manifest.json behind them', async () => {
    const index = Buffer.from(JSON.stringify({ manifests: [{ annotations: { 'io.containerd.image.name': 'victim/app:latest' } }] }));
    expect((await run(Buffer.concat([file('index.json', index), END]))).refused).toMatch(/not under your own name/);
  });
});

test('after the end of the archive nothing is kept in memory, however much follows', async () => {
  const check = new LoadArchiveCheck('alice', docker);
  check.resume();
  check.write(Buffer.alloc(512));
  for (let i = 0; i < 64; i += 1) check.write(Buffer.alloc(1024 * 1024, 1));
  await new Promise((resolve) => setImmediate(resolve));
  expect((check as unknown as { pending: Buffer }).pending.length).toBe(0);
  check.destroy();
});
