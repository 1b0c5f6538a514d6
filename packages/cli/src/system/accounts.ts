import { spawnSync } from 'node:child_process';
import { InputError, validateLoginName } from '@dockauth/ca';

/** A local account as the name service (files, LDAP, SSSD) knows it. */
export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/**
 * Looks names up with getent, all in one call, so LDAP/SSSD users are found as
 * login would find them. Unknown names map to undefined.
 */
export function lookupAccounts(names: readonly string[]): Map<string, Account | undefined> {
  const result = new Map<string, Account | undefined>(names.map((name) => [name, undefined]));
  if (names.length === 0) return result;
  const found = spawnSync('getent', ['passwd', ...names], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (found.error) throw new InputError(`failed to look up users: getent did not run (${found.error.message})`);
  for (const line of found.stdout.split('\n')) {
    const [name, , uid, gid, , home] = line.split(':');
    if (name && result.has(name) && uid !== undefined && gid !== undefined && home) {
      result.set(name, { name, uid: Number(uid), gid: Number(gid), home });
    }
  }
  return result;
}

/** One existing account, or an InputError that says how to check. */
export function requireAccount(name: string): Account {
  validateLoginName(name);
  const account = lookupAccounts([name]).get(name);
  if (!account) {
    throw new InputError(`failed to find user ${JSON.stringify(name)}: no such account (getent passwd ${name})`, {
      hint: 'create the account first (useradd), or write the files elsewhere with --out DIR',
    });
  }
  return account;
}
