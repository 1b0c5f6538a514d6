import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const isRoot = process.geteuid?.() === 0;

/** `describe` that runs only as root (CI runs as root); elsewhere it is reported as skipped. */
export const describeAsRoot: jest.Describe = isRoot ? describe : describe.skip;

export interface LocalUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** Every gid the account has (`id -G`): primary and supplementary. */
  gids: number[];
}

/**
 * Held (flock) around every change tests make to the system's account files. useradd and userdel
 * lock them against each other, but `dockauth subid add` and the tests' own clean-up of
 * /etc/subuid do not take shadow's lock: with jest running test files side by side, an edit
 * between their read and their write would be lost (a remap user without its range).
 */
export const ACCOUNTS_LOCK = '/run/dockauth-test-accounts.lock';

/** Runs a command with ACCOUNTS_LOCK held; the lock goes with the command. */
export function underAccountsLock(command: string, args: string[], options: { encoding?: 'utf8'; stdio?: 'ignore' } = {}): string {
  return execFileSync('flock', ['--timeout', '120', ACCOUNTS_LOCK, command, ...args], { encoding: 'utf8', ...options }) ?? '';
}

/** Creates a real local account with a home directory; names are unique per run. */
export function createUser(prefix: string, groups: string[] = []): LocalUser {
  const name = `${prefix}${randomBytes(3).toString('hex')}`.slice(0, 30);
  underAccountsLock('useradd', ['--create-home', '--shell', '/bin/sh', ...(groups.length > 0 ? ['--groups', groups.join(',')] : []), name]);
  const [, , uid, gid, , home] = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim().split(':');
  const gids = execFileSync('id', ['-G', name], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
  return { name, uid: Number(uid), gid: Number(gid), home: home as string, gids };
}

export function removeUser(user: LocalUser): void {
  try {
    underAccountsLock('userdel', ['--remove', user.name], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}
