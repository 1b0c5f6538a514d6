import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, fsyncSync } from 'node:fs';
import { dirname } from 'node:path';

/** The objects a user can make whose owner the plugin records. */
export type OwnedKind = 'container' | 'exec' | 'volume' | 'network';

const FULL_ID = /^[0-9a-f]{64}$/;

/**
 * Who made each container, exec instance, volume and network, as learnt from dockerd's
 * answers (AuthZRes): a request carries no label for what dockerd names itself (a
 * volume made by `docker volume create`, an anonymous volume, a network from compose).
 * Containers, exec instances and networks are keyed by full ID only (a name or prefix
 * can come to mean another object); volumes by name, which is unique and never reused
 * while the volume exists. The first owner recorded stays: nobody can take over an
 * object by "creating" it again. Kept in an append-only file beside dockerd's own state
 * so it outlives plugin restarts; compacted when loaded.
 */
export class OwnerRecords {
  private readonly owners = new Map<string, string>();

  constructor(private readonly path?: string) {
    if (!path) return;
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`failed to read the ownership records ${path}: ${(error as Error).message}`);
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const record = JSON.parse(line) as { kind: OwnedKind; key: string; owner: string | null };
        if (record.owner === null) this.owners.delete(`${record.kind}:${record.key}`);
        else if (!this.owners.has(`${record.kind}:${record.key}`)) this.owners.set(`${record.kind}:${record.key}`, record.owner);
      } catch {
        // A line cut short by a crash: what came before it still counts.
      }
    }
    this.compact();
  }

  /** The owner of an object, or undefined when this plugin never saw it made. */
  ownerOf(kind: OwnedKind, key: string): string | undefined {
    if (kind !== 'volume' && !FULL_ID.test(key)) return undefined;
    return this.owners.get(`${kind}:${key}`);
  }

  /** Records the maker of a new object; an object already recorded keeps its owner. */
  remember(kind: OwnedKind, key: string, owner: string): void {
    if (kind !== 'volume' && !FULL_ID.test(key)) return;
    if (key === '' || this.owners.has(`${kind}:${key}`)) return;
    this.owners.set(`${kind}:${key}`, owner);
    this.append({ kind, key, owner });
  }

  /** The object is gone (dockerd removed it). */
  forget(kind: OwnedKind, key: string): void {
    if (!this.owners.delete(`${kind}:${key}`)) return;
    this.append({ kind, key, owner: null });
  }

  private append(record: { kind: OwnedKind; key: string; owner: string | null }): void {
    if (!this.path) return;
    appendFileSync(this.path, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  }

  private compact(): void {
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      const lines = [...this.owners].map(([key, owner]) => {
        const colon = key.indexOf(':');
        return JSON.stringify({ kind: key.slice(0, colon), key: key.slice(colon + 1), owner });
      });
      writeSync(fd, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
  }
}
