import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DirectoryChange, Owner } from './plan.js';

/** `mkdir -p` as a plan: a change for each missing directory from the top down to `dir` itself. */
export function missingDirectories(dir: string, mode: number, owner?: Owner): DirectoryChange[] {
  const missing: string[] = [];
  for (let current = resolve(dir); !existsSync(current); current = dirname(current)) {
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  return missing.map((path) => ({ kind: 'directory', path, mode, owner }));
}
