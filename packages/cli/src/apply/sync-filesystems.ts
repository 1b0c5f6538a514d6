import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Flushes every file system the paths live on (syncfs(2) through coreutils'
 * `sync -f`, once per file system): one call makes a whole batch durable.
 */
export function syncFilesystems(paths: readonly string[]): void {
  const byDevice = new Map<number, string>();
  for (const path of paths) {
    const dir = dirname(path);
    const device = statSync(dir).dev;
    if (!byDevice.has(device)) byDevice.set(device, dir);
  }
  for (const dir of byDevice.values()) {
    const result = spawnSync('sync', ['-f', dir], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`failed to sync the file system of ${dir}: ${result.stderr || result.error?.message}`);
  }
}
