/** The objects a user can make whose owner the plugin records. */
export type OwnedKind = 'container' | 'exec' | 'volume' | 'network';

/** One line of the record: an object made (owner) or gone (owner null). */
export interface OwnerRecord {
  kind: OwnedKind;
  key: string;
  owner: string | null;
}

/** Where records are kept between restarts (the plugin server gives a file; tests keep them in memory). */
export interface OwnerJournal {
  load(): OwnerRecord[];
  append(record: OwnerRecord): void;
  /** Replaces what is kept with the records still in force. */
  rewrite(records: readonly OwnerRecord[]): void;
}

const FULL_ID = /^[0-9a-f]{64}$/;

/**
 * Who made each container, exec instance, volume and network, as learnt from dockerd's
 * answers (AuthZRes): a request carries no label for what dockerd names itself (a
 * volume made by `docker volume create`, an anonymous volume, a network from compose).
 * Containers, exec instances and networks are keyed by full ID only (a name or prefix
 * can come to mean another object); volumes by name, which is unique and never reused
 * while the volume exists. The first owner recorded stays: nobody can take over an
 * object by "creating" it again.
 */
export class OwnerRecords {
  private readonly owners = new Map<string, string>();

  constructor(private readonly journal?: OwnerJournal) {
    if (!journal) return;
    for (const record of journal.load()) {
      const id = `${record.kind}:${record.key}`;
      if (record.owner === null) this.owners.delete(id);
      else if (!this.owners.has(id)) this.owners.set(id, record.owner);
    }
    journal.rewrite(
      [...this.owners].map(([id, owner]) => {
        const colon = id.indexOf(':');
        return { kind: id.slice(0, colon) as OwnedKind, key: id.slice(colon + 1), owner };
      }),
    );
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
    this.journal?.append({ kind, key, owner });
  }

  /** The object is gone (dockerd removed it). */
  forget(kind: OwnedKind, key: string): void {
    if (!this.owners.delete(`${kind}:${key}`)) return;
    this.journal?.append({ kind, key, owner: null });
  }
}
