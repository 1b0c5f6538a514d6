import { chmodSync, chownSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { realHostPaths, RootOwnedPathCache } from './host.js';
import { walkBindSource } from './engine/host-mounts.js';
import type { Account } from './engine/lookups.js';
import { makeTempDir } from '../../../test/support/temp.js';

const isRoot = process.geteuid?.() === 0;
const stranger: Account = { name: 'stranger', uid: 54321, gid: 54321, home: '/nonexistent', gids: [54321], groups: [] };

describe('bind sources walked on the real file system, as mount(2) will walk them', () => {
  test('symlinks and .. are followed on the real path; a missing tail in a directory nobody else can write is kept', async () => {
    const temp = makeTempDir();
    try {
      const home = join(temp.dir, 'home');
      mkdirSync(join(home, 'data'), { recursive: true });
      symlinkSync('/etc', join(home, 'escape'));
      symlinkSync(join(home, 'data'), join(home, 'link'));
      expect(await walkBindSource(join(home, 'escape', 'passwd'), stranger, realHostPaths)).toEqual({ resolved: '/etc/passwd' });
      expect((await walkBindSource(join(home, 'link', 'new', 'dir'), stranger, realHostPaths)).resolved).toMatch(/home\/data\/new\/dir$/);
      expect((await walkBindSource(`${join(home, 'escape')}/../root`, stranger, realHostPaths)).resolved).toBe('/root');
      symlinkSync('loop', join(home, 'loop'));
      expect((await walkBindSource(join(home, 'loop'), stranger, realHostPaths)).problem).toMatch(/too many levels/);
    } finally {
      temp.cleanup();
    }
  });

  (isRoot ? test : test.skip)('a path through a directory the user owns is theirs to swap; the directory itself is not', async () => {
    const temp = makeTempDir();
    try {
      chmodSync(temp.dir, 0o755);
      const home = join(temp.dir, 'stranger');
      mkdirSync(join(home, 'project'), { recursive: true });
      chownSync(home, stranger.uid, stranger.gid);
      expect(await walkBindSource(home, stranger, realHostPaths)).toEqual({ resolved: home });
      expect((await walkBindSource(join(home, 'project'), stranger, realHostPaths)).problem).toMatch(/which you can rename or replace/);
      expect((await walkBindSource(join(home, 'not-yet'), stranger, realHostPaths)).problem).toMatch(/does not exist yet/);
      const sticky = join(temp.dir, 'scratch');
      mkdirSync(join(sticky, 'roots'), { recursive: true });
      chmodSync(sticky, 0o1777);
      expect(await walkBindSource(join(sticky, 'roots'), stranger, realHostPaths)).toEqual({ resolved: join(sticky, 'roots') });
      mkdirSync(join(sticky, 'mine'));
      chownSync(join(sticky, 'mine'), stranger.uid, stranger.gid);
      expect((await walkBindSource(join(sticky, 'mine'), stranger, realHostPaths)).problem).toMatch(/rename or replace/);
    } finally {
      temp.cleanup();
    }
  });
});

describe('the cache of entries only root can change', () => {
  const dir = (uid: number, mode = 0o755) => ({ uid, gid: uid, mode, symlink: false, directory: true });
  const tree: Record<string, ReturnType<typeof dir> | undefined> = {
    '/': dir(0),
    '/home': dir(0),
    '/home/alice': dir(1001),
    '/tmp': dir(0, 0o1777),
    '/srv': dir(0, 0o775),
  };
  const counting = (): { paths: import('./engine/lookups.js').HostPaths; reads: string[] } => {
    const reads: string[] = [];
    return { reads, paths: { lstat: async (path) => (reads.push(path), tree[path]), readlink: async () => '' } };
  };

  test('root-only entries, and entries missing from root-only directories, are read once a second; the rest every time', async () => {
    const { paths, reads } = counting();
    let now = 0;
    const cache = new RootOwnedPathCache(paths, () => now);
    for (let i = 0; i < 3; i++) {
      for (const path of ['/', '/home', '/home/alice', '/nonexistent', '/tmp', '/tmp/x', '/srv', '/srv/x']) await cache.lstat(path);
    }
    // A user's home, anything in sticky /tmp or group-writable /srv: read every time.
    expect(reads.filter((path) => path === '/' || path === '/home' || path === '/nonexistent')).toEqual(['/', '/home', '/nonexistent']);
    expect(reads.filter((path) => path === '/home/alice')).toHaveLength(3);
    expect(reads.filter((path) => path === '/tmp/x')).toHaveLength(3);
    expect(reads.filter((path) => path === '/srv/x')).toHaveLength(3);
    now = 1000;
    await cache.lstat('/home');
    expect(reads.filter((path) => path === '/home')).toHaveLength(2);
  });
});
