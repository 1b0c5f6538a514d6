import { chmodSync, lstatSync, mkdirSync, readlinkSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { InputError, commitStagedFile, createFileAtomic, discardStagedFile, stageFile, writeFileAtomic } from '@dockauth/ca';
import { crashPoint } from '../interruption.js';
import { syncFilesystems } from './sync-filesystems.js';
import { readRegularFile } from '../system/regular-file.js';
import { asOwner } from './as-owner.js';
import type { Change, ChangeOutcome, DirectoryChange, FileChange, Owner, Plan } from './plan.js';
import { assessRemoval, removeFile } from './remove-file.js';

export interface ApplyOptions {
  dryRun: boolean;
  now?: Date;
}

export interface ApplyResult {
  /** True when the plan held a real difference from what is on disk (and, unless dry-run, it was written). */
  changed: boolean;
  outcomes: ChangeOutcome[];
}

const octal = (mode: number): string => `0${(mode & 0o7777).toString(8)}`;

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function refuseLink(path: string, stats: Stats): void {
  if (stats.isSymbolicLink()) {
    throw new InputError(`failed to write ${path}: it is a symbolic link (to ${readlinkSync(path)}); dockauth never writes through a link`, {
      hint: `remove it (rm ${path}) and run the command again`,
    });
  }
}

function describeOwner(owner: Owner | undefined): { uid: number; name: string } {
  const uid = owner?.uid ?? process.geteuid?.() ?? 0;
  return { uid, name: owner?.name ?? `uid ${uid}` };
}

/**
 * A directory that will hold files must be one that only root or the files' owner
 * can change, or another user could swap its entries while we write.
 */
function assertSafeParent(path: string, owner: Owner | undefined, planned: Set<string>): void {
  const parent = dirname(path);
  if (planned.has(parent)) return;
  const stats = lstatOrUndefined(parent);
  if (!stats) {
    throw new InputError(`failed to write ${path}: the directory ${parent} does not exist`, {
      hint: `create it first (mkdir -p ${parent}) or choose another --out`,
    });
  }
  refuseLink(parent, stats);
  if (!stats.isDirectory()) throw new InputError(`failed to write ${path}: ${parent} is not a directory`);
  const { uid } = describeOwner(owner);
  if (stats.uid !== 0 && stats.uid !== uid) {
    throw new InputError(`failed to write ${path}: its directory ${parent} belongs to uid ${stats.uid}, who could swap the file`, {
      hint: `write somewhere owned by root or by the file's owner`,
    });
  }
  if (stats.mode & 0o022 && !(stats.mode & 0o1000 && stats.uid === uid)) {
    throw new InputError(`failed to write ${path}: its directory ${parent} is writable by group or others (mode ${octal(stats.mode)})`, {
      hint: `chmod go-w ${parent}, or choose another --out`,
    });
  }
}

function assessDirectory(change: DirectoryChange, planned: Set<string>): ChangeOutcome {
  const stats = lstatOrUndefined(change.path);
  if (!stats) {
    assertSafeParent(change.path, change.owner, planned);
    planned.add(change.path);
    return { path: change.path, kind: 'directory', action: 'create' };
  }
  refuseLink(change.path, stats);
  if (!stats.isDirectory()) {
    throw new InputError(`failed to use ${change.path}: it exists and is not a directory`, { hint: `move it away and run again` });
  }
  const owner = describeOwner(change.owner);
  if (stats.uid !== owner.uid) {
    throw new InputError(`failed to use ${change.path}: it belongs to uid ${stats.uid}, not to ${owner.name}`, {
      hint: `chown ${owner.name} ${change.path} (after checking why it is not theirs)`,
    });
  }
  planned.add(change.path);
  return { path: change.path, kind: 'directory', action: (stats.mode & 0o7777) === change.mode ? 'unchanged' : 'update' };
}

function assessFile(change: FileChange, planned: Set<string>): ChangeOutcome {
  assertSafeParent(change.path, change.owner, planned);
  const stats = lstatOrUndefined(change.path);
  if (!stats) return { path: change.path, kind: 'file', action: 'create' };
  refuseLink(change.path, stats);
  if (!stats.isFile()) {
    throw new InputError(`failed to write ${change.path}: it exists and is not a regular file`, { hint: 'move it away and run again' });
  }
  if (stats.nlink > 1) {
    throw new InputError(`failed to write ${change.path}: it has ${stats.nlink} hard links, so it may be another file in disguise`, {
      hint: `remove it (rm ${change.path}) and run the command again`,
    });
  }
  const current = readRegularFile(change.path);
  const owner = change.owner;
  const same =
    current.content.equals(Buffer.from(change.content)) &&
    (current.stats.mode & 0o7777) === change.mode &&
    current.stats.uid === describeOwner(owner).uid &&
    (owner === undefined || current.stats.gid === owner.gid);
  return {
    path: change.path,
    kind: 'file',
    action: same ? 'unchanged' : 'update',
    before: change.secret ? undefined : current.content.toString('utf8'),
  };
}

/** PATH.dockauth-backup-<UTC second>, with .1, .2, ... when a backup of that second exists (names still sort by time). */
function backupName(path: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = `${path}.dockauth-backup-${stamp}`;
  let name = base;
  for (let count = 1; lstatOrUndefined(name); count++) name = `${base}.${count}`;
  return name;
}

function assessPlan(plan: Plan): ChangeOutcome[] {
  const planned = new Set<string>();
  return plan.changes.map((change) => {
    if (change.kind === 'remove') {
      assertSafeParent(change.path, change.owner, planned);
      return assessRemoval(change);
    }
    return change.kind === 'directory' ? assessDirectory(change, planned) : assessFile(change, planned);
  });
}

/**
 * The only code that writes outside the CA store. Every change is checked before
 * anything is written (so bad input changes nothing); files matching the plan
 * are left alone; each write is atomic (temporary file, fsync, rename) and done
 * with the rights of the file's owner.
 */
export function applyPlan(plan: Plan, options: ApplyOptions): ApplyResult {
  const outcomes = assessPlan(plan);
  const changed = outcomes.some((outcome) => outcome.action !== 'unchanged');
  if (options.dryRun || !changed) return { changed, outcomes };
  const now = options.now ?? new Date();
  plan.changes.forEach((change, index) => {
    const outcome = outcomes[index] as ChangeOutcome;
    if (outcome.action === 'unchanged') return;
    asOwner(change.owner, () => writeChange(change, outcome, now));
  });
  return { changed, outcomes };
}

function writeChange(change: Change, outcome: ChangeOutcome, now: Date): void {
  if (change.kind === 'remove') return removeFile(change);
  if (change.kind === 'directory') {
    // EEXIST: made meanwhile (by a run that was cut off, or a parallel one); it is checked just below.
    if (outcome.action === 'create') mkdirSync(change.path, { mode: change.mode, recursive: true });
    const stats = lstatSync(change.path);
    refuseLink(change.path, stats);
    chmodSync(change.path, change.mode);
    return;
  }
  keepBackup(change, outcome, now);
  writeFileAtomic(change.path, change.content, change.mode);
}

/** The previous content, kept beside the file when the change asks for it. */
function keepBackup(change: FileChange, outcome: ChangeOutcome, now: Date): void {
  if (outcome.action !== 'update' || !change.backup) return;
  const previous = readRegularFile(change.path);
  outcome.backup = backupName(change.path, now);
  createFileAtomic(outcome.backup, previous.content, previous.stats.mode & 0o7777);
}

export type BatchOutcome = { ok: true; result: ApplyResult } | { ok: false; error: unknown };

/**
 * Many plans at once (batch onboarding), as durable as one at a time but with two
 * file-system syncs in all instead of one fsync per file and directory: every
 * plan is checked, every file staged beside its target (as its owner), the file
 * systems synced, everything renamed into place, and synced again. A plan that
 * fails is left out whole; the others go on.
 */
export function applyPlans(plans: readonly Plan[], options: { now?: Date } = {}): BatchOutcome[] {
  const now = options.now ?? new Date();
  const staged: Array<Array<{ temporary: string; path: string; owner: Owner | undefined }>> = [];
  const outcomes: BatchOutcome[] = plans.map((plan, index) => {
    const files: Array<{ temporary: string; path: string; owner: Owner | undefined }> = [];
    staged[index] = files;
    try {
      const assessed = assessPlan(plan);
      plan.changes.forEach((change, at) => {
        const outcome = assessed[at] as ChangeOutcome;
        if (outcome.action === 'unchanged') return;
        asOwner(change.owner, () => {
          if (change.kind !== 'file') return writeChange(change, outcome, now);
          keepBackup(change, outcome, now);
          files.push({ temporary: stageFile(change.path, change.content, change.mode), path: change.path, owner: change.owner });
        });
      });
      return { ok: true, result: { changed: assessed.some((outcome) => outcome.action !== 'unchanged'), outcomes: assessed } };
    } catch (error) {
      for (const file of files) asOwner(file.owner, () => discardStagedFile(file.temporary));
      files.length = 0;
      return { ok: false, error };
    }
  });
  const paths = staged.flat().map((file) => file.path);
  if (paths.length === 0) return outcomes;
  syncFilesystems(paths);
  crashPoint('batch:staged');
  staged.flat().forEach((file, index) => {
    asOwner(file.owner, () => commitStagedFile(file.temporary, file.path));
    if (index === 0) crashPoint('batch:committing');
  });
  syncFilesystems(paths);
  return outcomes;
}
