import { posix } from 'node:path';
import type { Account, HostPaths } from './lookups.js';

/** The policy's mount roots for a user: "~" and "~/x" become their home, others stay absolute; all resolved. */
export function mountRoots(patterns: readonly string[], account: Account, paths: HostPaths): string[] {
  return patterns.map((pattern) => {
    const absolute = pattern === '~' ? account.home : pattern.startsWith('~/') ? posix.join(account.home, pattern.slice(2)) : pattern;
    return paths.resolve(absolute);
  });
}

/** Whether a host path, resolved the way the mount will resolve it, lies in one of the roots. */
export function insideRoots(source: string, roots: readonly string[], paths: HostPaths): { inside: boolean; resolved: string } {
  const resolved = paths.resolve(posix.resolve('/', source));
  const inside = roots.some((root) => resolved === root || resolved.startsWith(root === '/' ? '/' : `${root}/`));
  return { inside, resolved };
}

/**
 * A -v/Binds entry, split the way dockerd's Linux parser splits it:
 * "src:dst[:mode]" (src a host path or a volume name) or just "dst" (anonymous volume).
 */
export function parseBind(bind: string): { kind: 'bind' | 'volume' | 'anonymous'; source: string; target: string } | undefined {
  const parts = bind.split(':');
  if (parts.length === 1) return { kind: 'anonymous', source: '', target: parts[0] as string };
  if (parts.length > 3) return undefined;
  const [source, target] = parts as [string, string];
  if (source === '' || target === '') return undefined;
  return { kind: source.startsWith('/') ? 'bind' : 'volume', source, target };
}
