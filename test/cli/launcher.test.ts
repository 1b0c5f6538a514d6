import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../support/temp.js';

const CLI = fileURLToPath(new URL('../../packages/cli', import.meta.url));
const VERSION = JSON.parse(readFileSync(join(CLI, 'package.json'), 'utf8')).version as string;
// --version names the commit the bundle was built from.
const VERSION_LINE = new RegExp(`^${VERSION.replaceAll('.', '\\.')} \\(commit ([0-9a-f]{12}(-dirty)?|unknown)\\)\\n$`);

describe('the launcher and its code cache', () => {
  let temp: ReturnType<typeof makeTempDir>;
  // A private copy of the launcher and the bundle: the tests spoil its cache, not the real one.
  const copy = (): { bin: string; cache: string } => {
    for (const part of ['launcher.cjs', 'bin', 'dist']) cpSync(join(CLI, part), join(temp.dir, part), { recursive: true });
    const cache = readdirSync(join(temp.dir, 'dist')).find((name) => name.endsWith('.cache'));
    if (!cache) throw new Error('the build made no code cache');
    return { bin: join(temp.dir, 'bin', 'dockauth.js'), cache: join(temp.dir, 'dist', cache) };
  };
  const version = (bin: string) => spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });

  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.cleanup());

  test('the build ships a cache named after the bundle it was made from', () => {
    const { bin, cache } = copy();
    const build = /^\/\/ dockauth build ([0-9a-f]+)\n/.exec(readFileSync(join(temp.dir, 'dist', 'dockauth.cjs'), 'latin1'))?.[1];
    expect(cache.endsWith(`dockauth.${build}.cache`)).toBe(true);
    expect(version(bin)).toMatchObject({ status: 0, stdout: expect.stringMatching(VERSION_LINE), stderr: '' });
  });

  test.each([
    ['missing', (cache: string) => rmSync(cache)],
    ['damaged', (cache: string) => writeFileSync(cache, Buffer.alloc(4096, 0x5a))],
  ])('a %s cache only costs time: the command runs as usual', (_what, spoil) => {
    const { bin, cache } = copy();
    spoil(cache);
    expect(version(bin)).toMatchObject({ status: 0, stdout: expect.stringMatching(VERSION_LINE), stderr: '' });
  });
});
