import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** dockerd's major version, or undefined when dockerd is not installed here. */
export function dockerdMajorVersion(): number | undefined {
  const result = spawnSync('dockerd', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error || result.status !== 0) return undefined;
  const match = /version (\d+)\./i.exec(result.stdout);
  return match ? Number(match[1]) : undefined;
}

/**
 * Asks dockerd itself whether a configuration is valid (`dockerd --validate`,
 * Docker 23 and later). Returns undefined when this dockerd cannot validate,
 * else the error text (empty when valid).
 */
export function validateWithDockerd(content: string): string | undefined {
  const major = dockerdMajorVersion();
  if (major === undefined || major < 23) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dockauth-validate-'));
  try {
    const file = join(dir, 'daemon.json');
    writeFileSync(file, content, { mode: 0o600 });
    const result = spawnSync('dockerd', ['--validate', '--config-file', file], { encoding: 'utf8', timeout: 30_000 });
    return result.status === 0 ? '' : `${result.stderr}${result.stdout}`.trim() || `dockerd --validate exited ${result.status}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
