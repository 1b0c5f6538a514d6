import { lstatSync, unlinkSync } from 'node:fs';
import { InputError } from '@dockauth/ca';
import { readRegularFile } from '../system/regular-file.js';
import type { ChangeOutcome, RemoveChange } from './plan.js';

function changedSince(path: string): InputError {
  return new InputError(`failed to remove ${path}: it changed since it was checked (nothing of it was removed)`, {
    hint: 'run the command again to check it anew',
  });
}

/** A removal is due while the file still holds what the planner saw; gone already is unchanged. */
export function assessRemoval(change: RemoveChange): ChangeOutcome {
  let stats;
  try {
    stats = lstatSync(change.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path: change.path, kind: 'remove', action: 'unchanged' };
    throw error;
  }
  if (!stats.isFile() || stats.nlink > 1) throw changedSince(change.path);
  if (!readRegularFile(change.path).content.equals(change.expected)) throw changedSince(change.path);
  return { path: change.path, kind: 'remove', action: 'remove' };
}

/** Takes the file away after reading it once more through O_NOFOLLOW: only the very content planned. */
export function removeFile(change: RemoveChange): void {
  const current = readRegularFile(change.path);
  if (!current.content.equals(change.expected) || current.stats.nlink > 1) throw changedSince(change.path);
  unlinkSync(change.path);
}
