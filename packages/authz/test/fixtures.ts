import type { Account, ContainerInfo, DockerLookup, HostPaths, ImageInfo, VolumeInfo } from '../src/engine/lookups.js';
import { parsePolicy } from '../src/engine/policy.js';

// Stand-ins for the host and dockerd, shared by the engine's tests.

export const ALICE: Account = { name: 'alice', uid: 1001, gid: 1001, home: '/home/alice', gids: [1001, 2000], groups: ['alice', 'lab'] };
export const BOB: Account = { name: 'bob', uid: 1002, gid: 1002, home: '/home/bob', gids: [1002], groups: ['bob'] };

export function fakeDocker(state: {
  containers?: ContainerInfo[];
  execs?: Record<string, string>;
  images?: Record<string, ImageInfo>;
  volumes?: VolumeInfo[];
  userns?: boolean;
} = {}): DockerLookup {
  return {
    container: async (reference) => state.containers?.find((c) => c.id === reference || c.name === reference || c.id.startsWith(reference)),
    execContainer: async (id) => state.execs?.[id],
    image: async (reference) => state.images?.[reference],
    volume: async (name) => state.volumes?.find((volume) => volume.name === name),
    usernsRemapped: async () => state.userns ?? false,
  };
}

/** Host paths with a few symlinks, as the tests need them: /home/alice/escape → /etc, /home/alice/link → /home/alice/data. */
export const fakePaths: HostPaths = {
  resolve(path: string): string {
    const links: Array<[string, string]> = [
      ['/home/alice/escape', '/etc'],
      ['/home/alice/link', '/home/alice/data'],
    ];
    for (const [from, to] of links) {
      if (path === from || path.startsWith(`${from}/`)) return to + path.slice(from.length);
    }
    return path;
  },
};

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
  allow: [system.ping, system.version, container.*, exec.*, image.list, image.inspect, image.pull, volume.*, network.list, network.inspect, network.connect]
  deny: [container.archive.write, container.commit, container.prune, volume.prune]
  images:
    allow: ['^docker\\.io/library/(alpine|busybox):']
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
