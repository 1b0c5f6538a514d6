import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh private temporary directory, removed by the returned cleanup. */
export function makeTempDir(prefix = 'dockauth-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface FileState {
  mode: number;
  uid: number;
  size: number;
  mtimeMs: number;
  sha256?: string;
  link?: string;
}

/**
 * Every entry under `root` with its mode, owner, mtime and content hash, so a test
 * can assert that a failed command left everything byte-for-byte as it was.
 */
export function snapshotTree(root: string): Record<string, FileState> {
  const result: Record<string, FileState> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stats = lstatSync(path);
      const state: FileState = { mode: stats.mode, uid: stats.uid, size: stats.size, mtimeMs: stats.mtimeMs };
      if (stats.isFile()) state.sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
      if (stats.isSymbolicLink()) state.link = readlinkSync(path);
      result[path.slice(root.length)] = state;
      if (stats.isDirectory()) walk(path);
    }
  };
  walk(root);
  return result;
}
