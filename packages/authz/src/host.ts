import { execFile } from 'node:child_process';
import { lstat, readlink } from 'node:fs/promises';
import type { Account, HostPaths, PathEntry } from './engine/lookups.js';

/**
 * The host's file system through the thread pool: a user who sends binds by the
 * hundred waits for their own look-ups, and nobody else's decision waits with them.
 */
export const realHostPaths: HostPaths = {
  async lstat(path: string): Promise<PathEntry | undefined> {
    try {
      const stats = await lstat(path);
      return { uid: stats.uid, gid: stats.gid, mode: stats.mode & 0o7777, symlink: stats.isSymbolicLink(), directory: stats.isDirectory() };
    } catch {
      return undefined;
    }
  },
  readlink: (path: string) => readlink(path),
};

function run(command: string, args: string[]): Promise<{ status: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: 'utf8', timeout: 5000 }, (error, stdout) => {
      resolve({ status: error ? Number((error as { code?: unknown }).code ?? 1) || 1 : 0, stdout });
    });
  });
}

/**
 * Accounts through the name service (getent, id), cached briefly: group changes count
 * within a minute. Looked up in child processes, never blocking the event loop.
 */
export class SystemAccounts {
  private readonly cache = new Map<string, { account: Promise<Account | undefined>; at: number }>();

  constructor(private readonly ttlMs = 30_000) {}

  lookup(user: string): Promise<Account | undefined> {
    const cached = this.cache.get(user);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.account;
    const account = this.fetch(user);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(user, { account, at: Date.now() });
    return account;
  }

  private async fetch(user: string): Promise<Account | undefined> {
    const passwd = await run('getent', ['passwd', user]);
    const [name, , uid, gid, , home] = passwd.stdout.trim().split(':');
    if (passwd.status !== 0 || name !== user || uid === undefined || gid === undefined || !home) return undefined;
    const [ids, names] = await Promise.all([run('id', ['-G', user]), run('id', ['-Gn', user])]);
    const gids = ids.stdout.trim().split(/\s+/).filter(Boolean).map(Number);
    const groups = names.stdout.trim().split(/\s+/).filter(Boolean);
    return { name: user, uid: Number(uid), gid: Number(gid), home, gids: [...new Set([Number(gid), ...gids])], groups: [...new Set(groups)] };
  }
}

/**
 * Entries only root can change, kept for a second: "/", "/home", "/usr" are walked on
 * nearly every create. An entry is kept when every directory above it is root's and
 * writable by no one else (so no user can create, rename or replace it) and it is
 * itself root's and writable by no one else, or absent (only root could make it). An
 * entry a user could touch (their home, anything in it) is read afresh every time.
 */
export class RootOwnedPathCache implements HostPaths {
  private readonly entries = new Map<string, { entry: PathEntry | undefined; link?: string; at: number }>();

  constructor(
    private readonly paths: HostPaths,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 1000,
    private readonly capacity = 10_000,
  ) {}

  async lstat(path: string): Promise<PathEntry | undefined> {
    const cached = this.fresh(path);
    if (cached) return cached.entry;
    const entry = await this.paths.lstat(path);
    if (this.cacheable(path, entry)) this.remember(path, { entry, at: this.now() });
    return entry;
  }

  async readlink(path: string): Promise<string> {
    const cached = this.fresh(path);
    if (cached?.link !== undefined) return cached.link;
    const link = await this.paths.readlink(path);
    if (cached) cached.link = link;
    return link;
  }

  private fresh(path: string): { entry: PathEntry | undefined; link?: string; at: number } | undefined {
    const cached = this.entries.get(path);
    return cached && this.now() - cached.at < this.ttlMs ? cached : undefined;
  }

  private cacheable(path: string, entry: PathEntry | undefined): boolean {
    if (entry !== undefined && !rootOnly(entry)) return false;
    if (path === '/') return entry !== undefined;
    const parent = this.fresh(path.slice(0, path.lastIndexOf('/')) || '/');
    return parent?.entry !== undefined && rootOnly(parent.entry);
  }

  private remember(path: string, value: { entry: PathEntry | undefined; at: number }): void {
    if (this.entries.size >= this.capacity) this.entries.clear();
    this.entries.set(path, value);
  }
}

const rootOnly = (entry: PathEntry): boolean => entry.uid === 0 && (entry.mode & 0o022) === 0;
