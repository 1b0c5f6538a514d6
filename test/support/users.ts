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
}

/** Creates a real local account with a home directory; names are unique per run. */
export function createUser(prefix: string): LocalUser {
  const name = `${prefix}${randomBytes(3).toString('hex')}`.slice(0, 30);
  execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', name]);
  const [, , uid, gid, , home] = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim().split(':');
  return { name, uid: Number(uid), gid: Number(gid), home: home as string };
}

export function removeUser(user: LocalUser): void {
  try {
    execFileSync('userdel', ['--remove', user.name], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}
