import { posix } from 'node:path';
import type { Account, HostPaths, PathEntry } from './lookups.js';

/**
 * Bind sources, judged so that they cannot be swapped under dockerd. dockerd does not
 * keep the path it was given resolved: it resolves it again at every start, restart,
 * `docker cp` and `--volumes-from`. A path with a component the user can rename or
 * replace (a directory in their home, a symlink they made, an entry in a directory
 * they can write) is a path the user can point anywhere later. So a source is accepted
 * only when the kernel's walk to it, symlinks followed, passes no entry the user could
 * replace, and it ends inside one of the policy's roots.
 */
export interface BindVerdict {
  /** The path the walk ends at. */
  resolved: string;
  /** Why the source is refused, or undefined. */
  problem?: string;
}

const MAX_LINKS = 40; // the kernel's own limit (ELOOP)
/** Steps in one walk (components, ".." and link expansions): real paths need a few dozen; more is only work. */
const MAX_STEPS = 128;

/** Whether `account` may create, rename or remove `name` in directory `parent` (write and search, sticky bit honoured). */
export function canReplace(parent: PathEntry, entry: PathEntry | undefined, account: Account): boolean {
  // The owner of a directory can always give themselves write access (chmod): theirs is writable.
  if (parent.uid === account.uid) return true;
  const bits = account.gids.includes(parent.gid) ? (parent.mode >> 3) & 7 : parent.mode & 7;
  if ((bits & 3) !== 3) return false;
  const sticky = (parent.mode & 0o1000) !== 0;
  if (!sticky || entry === undefined) return true;
  return entry.uid === account.uid || parent.uid === account.uid;
}

/**
 * Walks `source` as mount(2) will (symlinks followed, ".." on the real path), checking
 * every entry on the way. A missing tail is allowed only where the user cannot create it
 * first (dockerd makes it, as root).
 */
export async function walkBindSource(source: string, account: Account, paths: HostPaths): Promise<BindVerdict> {
  if (!source.startsWith('/')) return { resolved: source, problem: 'is not an absolute path' };
  let pending = source.split('/').filter((part) => part !== '');
  let dir = '/';
  let dirEntry = await paths.lstat('/');
  let links = 0;
  let steps = 0;
  while (pending.length > 0) {
    if (++steps > MAX_STEPS) return { resolved: dir, problem: `has more than ${MAX_STEPS} components and links to follow` };
    const name = pending.shift() as string;
    if (name === '.') continue;
    if (name === '..') {
      dir = posix.dirname(dir);
      dirEntry = await paths.lstat(dir);
      continue;
    }
    const path = posix.join(dir, name);
    const entry = await paths.lstat(path);
    if (!dirEntry) return { resolved: path, problem: 'could not be read' };
    if (canReplace(dirEntry, entry, account)) {
      const what = entry === undefined ? `does not exist yet, and you could create ${path} as anything` : `passes ${path}, which you can rename or replace`;
      return { resolved: path, problem: what };
    }
    if (entry === undefined) return { resolved: posix.join(path, ...pending) };
    if (entry.symlink) {
      if (++links > MAX_LINKS) return { resolved: path, problem: 'has too many levels of symbolic links' };
      const target = await paths.readlink(path);
      pending = [...target.split('/').filter((part) => part !== ''), ...pending];
      if (target.startsWith('/')) {
        dir = '/';
        dirEntry = await paths.lstat('/');
      }
      continue;
    }
    if (pending.length > 0 && !entry.directory) return { resolved: path, problem: `passes ${path}, which is not a directory` };
    dir = path;
    dirEntry = entry;
  }
  return { resolved: dir };
}

/** The policy's mount roots for a user: "~" and "~/x" become their home, others stay absolute. */
export function mountRoots(patterns: readonly string[], account: Account): string[] {
  return patterns.map((pattern) => (pattern === '~' ? account.home : pattern.startsWith('~/') ? posix.join(account.home, pattern.slice(2)) : pattern));
}

/** Whether a resolved path lies in one of the roots, themselves resolved the same way. */
export function insideRoots(resolved: string, roots: readonly string[]): boolean {
  return roots.some((root) => resolved === root || resolved.startsWith(root === '/' ? '/' : `${root}/`));
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
