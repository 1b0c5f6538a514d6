/** What the engine asks about the host and the daemon; the plugin server supplies real ones, tests fakes. */

/** A local account as the plugin judges it. */
export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** Every gid the user belongs to (primary and supplementary). */
  gids: number[];
  /** Their group names on this host. */
  groups: string[];
}

/** dockerd's own record of a container (GET /containers/{id}/json over the root socket). */
export interface ContainerInfo {
  id: string;
  name: string;
  /** Config.User as stored: "uid:gid", a name, or "". */
  user: string;
  labels: Record<string, string>;
  binds: string[];
  mounts: Array<{ type: string; source: string }>;
  /** Named and anonymous volumes it mounts (its Mounts of type volume), by name. */
  volumes?: string[];
}

export interface ImageInfo {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  /** Config.Labels: dockerd copies them into every container made from the image. */
  labels: Record<string, string>;
}

export interface VolumeInfo {
  name: string;
  driver: string;
  options: Record<string, string>;
  labels: Record<string, string>;
}

export interface NetworkInfo {
  id: string;
  name: string;
  driver: string;
  labels: Record<string, string>;
}

export interface DockerLookup {
  container(reference: string): Promise<ContainerInfo | undefined>;
  /** The container an exec instance belongs to. */
  execContainer(execId: string): Promise<string | undefined>;
  image(reference: string): Promise<ImageInfo | undefined>;
  volume(name: string): Promise<VolumeInfo | undefined>;
  network(reference: string): Promise<NetworkInfo | undefined>;
  /** Whether the daemon runs with userns-remap (root in a container is nobody on the host). */
  usernsRemapped(): Promise<boolean>;
}

/** A directory entry as lstat(2) sees it. */
export interface PathEntry {
  uid: number;
  gid: number;
  mode: number;
  symlink: boolean;
  directory: boolean;
}

/**
 * The host's file system as far as bind sources need it, asynchronous so that one
 * user's paths never hold another user's decision.
 */
export interface HostPaths {
  /** The entry itself, not following a final symlink; undefined when there is none. */
  lstat(path: string): Promise<PathEntry | undefined>;
  readlink(path: string): Promise<string>;
}

/** The label that names a container's or volume's owner. */
export const OWNER_LABEL = 'dockauth.owner';
