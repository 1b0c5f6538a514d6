/** Who a file belongs to; the applier writes it with this user's own rights. */
export interface Owner {
  name: string;
  uid: number;
  gid: number;
}

export interface FileChange {
  kind: 'file';
  path: string;
  content: string;
  mode: number;
  /** Default: whoever runs dockauth. */
  owner?: Owner;
  /** Private keys: never shown in a dry-run diff. */
  secret?: boolean;
  /** Keep the previous content beside the file as PATH.dockauth-backup-TIMESTAMP. */
  backup?: boolean;
}

export interface DirectoryChange {
  kind: 'directory';
  path: string;
  mode: number;
  owner?: Owner;
}

/**
 * A file taken away: only while it still holds exactly `expected` (what the planner
 * checked it to be), and with the rights of `owner`.
 */
export interface RemoveChange {
  kind: 'remove';
  path: string;
  expected: Buffer;
  owner?: Owner;
}

export type Change = FileChange | DirectoryChange | RemoveChange;

/** What a command will do to the file system; computed first, then applied by applyPlan. */
export interface Plan {
  changes: Change[];
}

export type Action = 'create' | 'update' | 'remove' | 'unchanged';

export interface ChangeOutcome {
  path: string;
  kind: Change['kind'];
  action: Action;
  /** For updates of text files: the content before, for a dry-run diff. */
  before?: string;
  backup?: string;
}
