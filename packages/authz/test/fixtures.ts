import type { Account, ContainerInfo, DockerLookup, HostPaths, ImageInfo, NetworkInfo, PathEntry, VolumeInfo } from '../src/engine/lookups.js';
import { CaStore, SqliteInventory } from '@dockauth/ca';
import { parsePolicy } from '../src/engine/policy.js';

// Stand-ins for the host and dockerd, shared by the engine's tests.

export const ALICE: Account = { name: 'alice', uid: 1001, gid: 1001, home: '/home/alice', gids: [1001, 2000], groups: ['alice', 'lab'] };
export const BOB: Account = { name: 'bob', uid: 1002, gid: 1002, home: '/home/bob', gids: [1002], groups: ['bob'] };

export function fakeDocker(state: {
  containers?: ContainerInfo[];
  execs?: Record<string, string>;
  images?: Record<string, ImageInfo>;
  volumes?: VolumeInfo[];
  networks?: NetworkInfo[];
  userns?: boolean;
} = {}): DockerLookup {
  return {
    container: async (reference) => state.containers?.find((c) => c.id === reference || c.name === reference || c.id.startsWith(reference)),
    execContainer: async (id) => state.execs?.[id],
    image: async (reference) => state.images?.[reference],
    volume: async (name) => state.volumes?.find((volume) => volume.name === name),
    network: async (reference) => state.networks?.find((network) => network.id === reference || network.name === reference || network.id.startsWith(reference)),
    usernsRemapped: async () => state.userns ?? false,
  };
}

type FakeEntry = Partial<PathEntry> & { link?: string };

/**
 * A small host file system: root-owned directories (/, /home, /etc, /srv, /srv/lab), alice's
 * home (hers: 0755) with a data directory and two symlinks she made (escape → /etc,
 * link → /home/alice/data), bob's home, and a sticky world-writable /srv/scratch.
 */
export function fakeFileSystem(extra: Record<string, FakeEntry> = {}): HostPaths {
  const dir = (uid: number, gid = uid, mode = 0o755): FakeEntry => ({ uid, gid, mode, directory: true });
  const entries: Record<string, FakeEntry> = {
    '/': dir(0),
    '/home': dir(0),
    '/etc': dir(0),
    '/etc/passwd': { uid: 0, gid: 0, mode: 0o644 },
    '/srv': dir(0),
    '/srv/lab': dir(0, 2000, 0o775),
    '/srv/scratch': dir(0, 0, 0o1777),
    '/srv/scratch/alice': dir(1001),
    '/srv/scratch/root-made': dir(0),
    '/home/alice': dir(1001),
    '/home/alice/data': dir(1001),
    '/home/alice/escape': { uid: 1001, gid: 1001, mode: 0o777, link: '/etc' },
    '/home/alice/link': { uid: 1001, gid: 1001, mode: 0o777, link: '/home/alice/data' },
    '/home/bob': dir(1002),
    ...extra,
  };
  return {
    lstat: async (path) => {
      const entry = entries[path];
      if (!entry) return undefined;
      return { uid: entry.uid ?? 0, gid: entry.gid ?? 0, mode: entry.mode ?? 0o644, symlink: entry.link !== undefined, directory: entry.directory ?? false };
    },
    readlink: async (path) => {
      const link = entries[path]?.link;
      if (link === undefined) throw new Error(`EINVAL: ${path} is not a link`);
      return link;
    },
  };
}

export const fakePaths: HostPaths = fakeFileSystem();

export const container = (id: string, name: string, user: string, extra: Partial<ContainerInfo> = {}): ContainerInfo => ({
  id,
  name,
  user,
  labels: {},
  binds: [],
  mounts: [],
  ...extra,
});

export const POLICY = parsePolicy(
  `version: 1
base:
  allow: [system.ping, system.version, container.*, exec.*, image.list, image.inspect, image.pull, volume.*, network.list, network.inspect, network.connect, network.create, network.remove]
  deny: [container.archive.write, container.commit, container.prune, volume.prune]
  images:
    allow: ['^docker\\.io/library/(alpine|busybox):', '^docker\\.io/{user}/']
  mounts: ['~']
groups:
  lab:
    mounts: ['/srv/lab']
    capabilities: [NET_ADMIN]
users:
  bob:
    run_as: any
`,
  'test-policy.yaml',
);

/** The identity check reads synchronously: a store's inventory file, read as the plugin and the gateway read it (one reader per store). */
const readers = new Map<string, SqliteInventory>();
export const statusOf = (store: Pick<CaStore, 'dir'>) => {
  let inventory = readers.get(store.dir);
  if (!inventory) readers.set(store.dir, (inventory = SqliteInventory.open(CaStore.paths(store.dir).inventory, { readonly: true })));
  return { find: (serial: string) => inventory.findNow(serial), records: () => inventory.listNow() };
};
