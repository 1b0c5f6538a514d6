import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { CaStore } from '@dockauth/ca';
import { BUNDLE_FILES } from '../client-bundle.js';
import { lookupAccounts, type Account } from '../system/accounts.js';
import { readPlainFile } from '../system/regular-file.js';
import { octal, type Finding } from './finding.js';

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * A private key anyone but its owner can read has been exposed: fixing the mode does not
 * un-read it. The certificate is revoked (keyCompromise) and a new key issued.
 */
function checkKey(user: string, account: Account, path: string, stats: Stats, findings: Finding[]): boolean {
  const fix = `dockauth user revoke ${user} --reason keyCompromise && dockauth user add ${user}`;
  if (stats.isSymbolicLink() || !stats.isFile()) {
    findings.push({ severity: 'error', check: 'user-key', message: `${user}: ${path} is not a regular file (a link or something else): the key may be anyone's`, fix });
    return true;
  }
  const others: string[] = [];
  if (stats.mode & 0o040) others.push(`its group (gid ${stats.gid})`);
  if (stats.mode & 0o004) others.push('every local user');
  if (stats.uid !== account.uid) others.push(`uid ${stats.uid}, who owns it`);
  if (others.length === 0) return false;
  findings.push({ severity: 'error', check: 'user-key', message: `${user}: ${path} (mode ${octal(stats.mode)}, uid ${stats.uid}) is readable by ${others.join(' and ')}: the key is exposed`, fix });
  return true;
}

/** Each user with a valid certificate and a local account: their installed bundle, and above all their key's mode. */
export async function checkUsers(store: CaStore, findings: Finding[]): Promise<void> {
  const users = [...new Set((await store.list({ profile: 'client', status: 'valid' })).map((record) => record.user as string))];
  const accounts = lookupAccounts(users);
  for (const user of users) {
    const account = accounts.get(user);
    if (!account) continue; // certificates shipped with --out for users of other hosts
    const dir = join(account.home, '.docker');
    const latest = (await store.certificatesOf(user)).find((record) => record.status === 'valid');
    const problems: string[] = [];
    for (const name of [BUNDLE_FILES.ca, BUNDLE_FILES.certificate, BUNDLE_FILES.key]) {
      const path = join(dir, name);
      const stats = lstatOrUndefined(path);
      if (!stats) {
        problems.push(`${path} is missing`);
        continue;
      }
      if (name === BUNDLE_FILES.key) {
        checkKey(user, account, path, stats, findings);
        continue;
      }
      if (stats.uid !== account.uid) problems.push(`${path} belongs to uid ${stats.uid}`);
    }
    const certificate = readPlainFile(join(dir, BUNDLE_FILES.certificate))?.toString();
    if (certificate !== undefined && latest && certificate !== latest.certificatePem) problems.push(`${join(dir, BUNDLE_FILES.certificate)} is not ${user}'s current certificate`);
    if (problems.length > 0) {
      findings.push({ severity: 'warning', check: 'user-files', message: `${user}: ${problems.join('; ')}`, fix: `dockauth user renew ${user} --within 36500` });
    }
  }
}
