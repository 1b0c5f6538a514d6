import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPORARY_NAME } from '@dockauth/ca';
import { asOwner } from './as-owner.js';
import type { Owner } from './plan.js';

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Temporary files in `dir` left by a dockauth process that no longer runs (killed
 * with SIGKILL, or the machine went down): regular files named as the applier
 * names them, whose process id is gone. Read as the directory's owner.
 */
export function staleTemporaries(dir: string, owner: Owner | undefined, isAlive: (pid: number) => boolean = alive): string[] {
  return asOwner(owner, () => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    return names
      .filter((name) => {
        const match = TEMPORARY_NAME.exec(name);
        if (!match || isAlive(Number(match[2]))) return false;
        try {
          return lstatSync(join(dir, name)).isFile();
        } catch {
          return false;
        }
      })
      .map((name) => join(dir, name));
  });
}

/** Removes them, as their directory's owner (unlink never follows a link). */
export function removeTemporaries(paths: readonly string[], owner: Owner | undefined): void {
  asOwner(owner, () => {
    for (const path of paths) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
  });
}
