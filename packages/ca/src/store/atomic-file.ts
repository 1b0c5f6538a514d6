import { closeSync, constants, fchmodSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * How temporary files are named: `.NAME.PID.RANDOM.tmp` beside their target, so a
 * later run can tell a leftover (its process is gone) from a file being written.
 */
export const TEMPORARY_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** Temporary files this process made and has not yet renamed or removed. */
const live = new Set<string>();

/**
 * Removes every temporary file this process still has (on SIGINT or SIGTERM,
 * before exiting): none outlives the command, key material least of all.
 */
export function removeLiveTemporaries(): number {
  let removed = 0;
  for (const path of live) {
    try {
      unlinkSync(path);
      removed++;
    } catch {
      // already gone
    }
  }
  live.clear();
  return removed;
}

/**
 * Writes `data` to a fresh temporary file beside `path` (O_EXCL|O_NOFOLLOW, so a
 * planted file or symlink is never followed), fsyncs it, and returns its name.
 */
function writeTemporary(path: string, data: string | Uint8Array, mode: number, sync = true): string {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    mode,
  );
  live.add(temporary);
  try {
    fchmodSync(fd, mode); // the exact mode, whatever the umask
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    if (sync) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    forget(temporary);
    throw error;
  }
  closeSync(fd);
  return temporary;
}

/** Unlinks a temporary file and stops tracking it. */
function forget(temporary: string): void {
  live.delete(temporary);
  try {
    unlinkSync(temporary);
  } catch {
    // already gone
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` atomically: readers see the old file or the new one, never a part. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): void {
  const temporary = writeTemporary(path, data, mode);
  // Crash-consistency tests: die as a power cut would between the write and the rename.
  if (process.env.DOCKAUTH_TEST_CRASH_AT === 'file:staged') process.kill(process.pid, 'SIGKILL');
  try {
    renameSync(temporary, path);
    live.delete(temporary);
  } catch (error) {
    forget(temporary);
    throw error;
  }
  syncDirectory(dirname(path));
}

/** Creates `path` atomically, failing with EEXIST if anything is already there. */
export function createFileAtomic(path: string, data: string | Uint8Array, mode: number): void {
  const temporary = writeTemporary(path, data, mode);
  try {
    linkSync(temporary, path);
  } finally {
    forget(temporary);
  }
  syncDirectory(dirname(path));
}

/**
 * Batch writes: stage a file beside its target without fsync (the caller syncs the
 * whole filesystem once for the batch), then commit it by renaming it into place.
 */
export function stageFile(path: string, data: string | Uint8Array, mode: number): string {
  return writeTemporary(path, data, mode, false);
}

export function commitStagedFile(temporary: string, path: string): void {
  renameSync(temporary, path);
  live.delete(temporary);
}

export function discardStagedFile(temporary: string): void {
  forget(temporary);
}
