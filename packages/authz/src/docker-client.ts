import { Agent, request } from 'node:http';
import type { ContainerInfo, DockerLookup, ImageInfo, NetworkInfo, VolumeInfo } from './engine/lookups.js';

/** Connections to dockerd are kept open between look-ups. */
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** GET over dockerd's root unix socket; undefined on 404, an error on anything else. */
function getJson(socketPath: string, path: string, timeoutMs = 5000): Promise<unknown | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', timeout: timeoutMs, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 404) return resolve(undefined);
        if (res.statusCode !== 200) return reject(new Error(`dockerd answered ${res.statusCode} for ${path}`));
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new Error(`dockerd sent unreadable JSON for ${path}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`dockerd did not answer ${path} in time`)));
    req.on('error', reject);
    req.end();
  });
}

type Json = Record<string, any>;

/**
 * Asks dockerd (as root, over its own socket) about containers, exec instances,
 * images and volumes. Container IDs and exec IDs never change meaning, so what
 * is learnt by ID is cached; names are looked up every time (they can move).
 */
export class DockerSocketLookup implements DockerLookup {
  private readonly execs = new Map<string, string>();
  /**
   * Image names resolved in the last 2 seconds. Users can neither tag nor import
   * (the policy's image rules), so within that time a name still means what it did.
   */
  private readonly images = new Map<string, { info: ImageInfo | undefined; at: number }>();
  private userns: { value: boolean; at: number } | undefined;

  constructor(private readonly socketPath: string) {}

  async container(reference: string): Promise<ContainerInfo | undefined> {
    const found = (await getJson(this.socketPath, `/containers/${encodeURIComponent(reference)}/json`)) as Json | undefined;
    if (!found) return undefined;
    return {
      id: String(found.Id),
      name: String(found.Name ?? '').replace(/^\//, ''),
      user: String(found.Config?.User ?? ''),
      labels: (found.Config?.Labels ?? {}) as Record<string, string>,
      binds: (found.HostConfig?.Binds ?? []) as string[],
      mounts: ((found.HostConfig?.Mounts ?? []) as Json[]).map((mount) => ({ type: String(mount.Type ?? ''), source: String(mount.Source ?? '') })),
      volumes: ((found.Mounts ?? []) as Json[]).filter((mount) => mount.Type === 'volume' && typeof mount.Name === 'string').map((mount) => String(mount.Name)),
    };
  }

  async execContainer(execId: string): Promise<string | undefined> {
    const cached = this.execs.get(execId);
    if (cached) return cached;
    const found = (await getJson(this.socketPath, `/exec/${encodeURIComponent(execId)}/json`)) as Json | undefined;
    if (!found?.ContainerID) return undefined;
    if (this.execs.size > 10_000) this.execs.clear();
    this.execs.set(execId, String(found.ContainerID));
    return String(found.ContainerID);
  }

  async image(reference: string): Promise<ImageInfo | undefined> {
    const cached = this.images.get(reference);
    if (cached && Date.now() - cached.at < 2000) return cached.info;
    const found = (await getJson(this.socketPath, `/images/${encodeURIComponent(reference)}/json`)) as Json | undefined;
    const info = found
      ? {
          id: String(found.Id),
          repoTags: (found.RepoTags ?? []) as string[],
          repoDigests: (found.RepoDigests ?? []) as string[],
          labels: (found.Config?.Labels ?? {}) as Record<string, string>,
        }
      : undefined;
    if (this.images.size > 1000) this.images.clear();
    this.images.set(reference, { info, at: Date.now() });
    return info;
  }

  /**
   * A volume dockerd does not know makes it ask every volume plugin on the host: the
   * look-up is bounded, and fails (deny) rather than hold the user's decision.
   */
  async volume(name: string): Promise<VolumeInfo | undefined> {
    const found = (await getJson(this.socketPath, `/volumes/${encodeURIComponent(name)}`, 2000)) as Json | undefined;
    if (!found) return undefined;
    return {
      name: String(found.Name),
      driver: String(found.Driver ?? ''),
      options: (found.Options ?? {}) as Record<string, string>,
      labels: (found.Labels ?? {}) as Record<string, string>,
    };
  }

  async network(reference: string): Promise<NetworkInfo | undefined> {
    const found = (await getJson(this.socketPath, `/networks/${encodeURIComponent(reference)}`, 2000)) as Json | undefined;
    if (!found) return undefined;
    return { id: String(found.Id), name: String(found.Name ?? ''), driver: String(found.Driver ?? ''), labels: (found.Labels ?? {}) as Record<string, string> };
  }

  async usernsRemapped(): Promise<boolean> {
    if (this.userns && Date.now() - this.userns.at < 60_000) return this.userns.value;
    const info = (await getJson(this.socketPath, '/info')) as Json | undefined;
    const value = ((info?.SecurityOptions ?? []) as string[]).some((option) => option.includes('name=userns'));
    this.userns = { value, at: Date.now() };
    return value;
  }
}
