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

export type Change = FileChange | DirectoryChange;

/** What a command will do to the file system; computed first, then applied by applyPlan. */
export interface Plan {
  changes: Change[];
}

export type Action = 'create' | 'update' | 'unchanged';

export interface ChangeOutcome {
  path: string;
  kind: Change['kind'];
  action: Action;
  /** For updates of text files: the content before, for a dry-run diff. */
  before?: string;
  backup?: string;
}
