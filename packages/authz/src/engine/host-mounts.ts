import { posix } from 'node:path';
import type { Account, HostPaths } from './lookups.js';

/**
 * Resolved roots, kept for a second: they come from the policy and from home
 * paths the user cannot change (a home's parent is root's), unlike bind sources,
 * which are resolved on every request.
 */
const resolvedRoots = new WeakMap<HostPaths, Map<string, { path: string; at: number }>>();

function resolveRoot(path: string, paths: HostPaths): string {
  let cache = resolvedRoots.get(paths);
  if (!cache) {
    cache = new Map();
    resolvedRoots.set(paths, cache);
  }
  const cached = cache.get(path);
  if (cached && Date.now() - cached.at < 1000) return cached.path;
  const resolved = paths.resolve(path);
  if (cache.size > 10_000) cache.clear();
  cache.set(path, { path: resolved, at: Date.now() });
  return resolved;
}

/** The policy's mount roots for a user: "~" and "~/x" become their home, others stay absolute; all resolved. */
export function mountRoots(patterns: readonly string[], account: Account, paths: HostPaths): string[] {
  return patterns.map((pattern) => {
    const absolute = pattern === '~' ? account.home : pattern.startsWith('~/') ? posix.join(account.home, pattern.slice(2)) : pattern;
    return resolveRoot(absolute, paths);
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
