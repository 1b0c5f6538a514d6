import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, realpathSync, type Stats } from 'node:fs';
import { posix } from 'node:path';
import type { Account, HostPaths } from './engine/lookups.js';

/**
 * Resolves a host path as mount(2) will: lexically cleaned, then every existing
 * component's symlinks followed (one realpath(3) call); a missing tail (dockerd
 * creates it) is appended. A dangling symlink on the way is refused: where it
 * would lead is not knowable now.
 */
export const realHostPaths: HostPaths = {
  resolve(path: string): string {
    let existing = posix.resolve('/', path);
    const missing: string[] = [];
    // One lstat per component, without exceptions: bind sources that do not exist yet are
    // common (dockerd creates them), and the plugin resolves one on every create.
    while (existing !== '/') {
      const entry = entryOf(existing);
      if (entry !== undefined) {
        if (entry.isSymbolicLink() && !existsSync(existing)) throw new Error(`${existing} is a symbolic link to nothing`);
        break;
      }
      missing.unshift(posix.basename(existing));
      existing = posix.dirname(existing);
    }
    const real = realpathSync.native(existing);
    return missing.length === 0 ? real : posix.join(real, ...missing);
  },
};

/** The entry itself (not following a link); undefined when there is none (ENOENT, ENOTDIR, ...). */
function entryOf(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Accounts through the name service (getent, id), cached briefly: group changes count within a minute. */
export class SystemAccounts {
  private readonly cache = new Map<string, { account: Account | undefined; at: number }>();

  constructor(private readonly ttlMs = 30_000) {}

  lookup(user: string): Account | undefined {
    const cached = this.cache.get(user);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.account;
    const account = this.fetch(user);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(user, { account, at: Date.now() });
    return account;
  }

  private fetch(user: string): Account | undefined {
    const passwd = spawnSync('getent', ['passwd', user], { encoding: 'utf8' });
    const [name, , uid, gid, , home] = passwd.stdout.trim().split(':');
    if (passwd.status !== 0 || name !== user || uid === undefined || gid === undefined || !home) return undefined;
    const ids = spawnSync('id', ['-G', user], { encoding: 'utf8' }).stdout.trim().split(/\s+/).filter(Boolean).map(Number);
    const names = spawnSync('id', ['-Gn', user], { encoding: 'utf8' }).stdout.trim().split(/\s+/).filter(Boolean);
    return { name: user, uid: Number(uid), gid: Number(gid), home, gids: [...new Set([Number(gid), ...ids])], groups: [...new Set(names)] };
  }
}
