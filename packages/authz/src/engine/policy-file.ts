import { readFileSync, statSync } from 'node:fs';
import { parsePolicy, PolicyError, type Policy } from './policy.js';

export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PolicyError(`failed to load policy ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'write one with: dockauth authz init');
  }
  return parsePolicy(text, path);
}

/**
 * The policy in force, re-read when the file changes (checked at most every
 * 200 ms, so an edit counts within a second). A broken edit keeps the last
 * good policy and is reported once.
 */
export class PolicyWatcher {
  private stamp: string;
  private checkedAt = 0;

  constructor(
    private readonly path: string,
    private current: Policy,
    private readonly report: (message: string) => void,
  ) {
    this.stamp = PolicyWatcher.stampOf(path);
  }

  private static stampOf(path: string): string {
    try {
      const stats = statSync(path);
      return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  get(): Policy {
    const now = Date.now();
    if (now - this.checkedAt < 200) return this.current;
    this.checkedAt = now;
    const stamp = PolicyWatcher.stampOf(this.path);
    if (stamp === this.stamp) return this.current;
    this.stamp = stamp;
    try {
      this.current = loadPolicyFile(this.path);
      this.report(`policy reloaded from ${this.path} (sha256 ${this.current.sha256.slice(0, 12)})`);
    } catch (error) {
      this.report(`${(error as Error).message}; keeping the last good policy (sha256 ${this.current.sha256.slice(0, 12)})`);
    }
    return this.current;
  }
}
