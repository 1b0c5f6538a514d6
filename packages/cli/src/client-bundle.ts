import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@dockauth/ca';
import type { Account } from './system/accounts.js';
import type { Change, Owner } from './apply/plan.js';

/** Where one user's ca.pem, cert.pem and key.pem go, and who owns them. */
export interface BundleTarget {
  user: string;
  dir: string;
  /** The user (home install) or undefined (root-owned --out bundle). */
  owner: Owner | undefined;
}

export const BUNDLE_FILES = { ca: 'ca.pem', certificate: 'cert.pem', key: 'key.pem' } as const;

/** ~user/.docker, after checking the home is a real directory that belongs to the user. */
export function homeTarget(account: Account): BundleTarget {
  if (account.uid === 0) {
    throw new InputError(`failed to onboard ${account.name}: uid 0 is root, who uses the local socket, not a certificate`);
  }
  let stats;
  try {
    stats = lstatSync(account.home);
  } catch {
    throw new InputError(`failed to onboard ${account.name}: the home directory ${account.home} does not exist`, {
      hint: 'create it, or write the files elsewhere with --out DIR',
    });
  }
  if (!stats.isDirectory() || stats.uid !== account.uid) {
    throw new InputError(`failed to onboard ${account.name}: ${account.home} is not a directory owned by ${account.name}`, {
      hint: 'fix the home directory, or write the files elsewhere with --out DIR',
    });
  }
  return { user: account.name, dir: join(account.home, '.docker'), owner: { name: account.name, uid: account.uid, gid: account.gid } };
}

export function outTarget(out: string, user: string): BundleTarget {
  return { user, dir: join(out, user), owner: undefined };
}

export function bundlePaths(target: BundleTarget): { ca: string; certificate: string; key: string } {
  return {
    ca: join(target.dir, BUNDLE_FILES.ca),
    certificate: join(target.dir, BUNDLE_FILES.certificate),
    key: join(target.dir, BUNDLE_FILES.key),
  };
}

/** The changes that install a bundle: a private directory, two certificates and the key (0600). */
export function bundleChanges(target: BundleTarget, files: { caPem: string; certificatePem: string; privateKeyPem: string }): Change[] {
  const owner = target.owner;
  const paths = bundlePaths(target);
  return [
    { kind: 'directory', path: target.dir, mode: 0o700, owner },
    { kind: 'file', path: paths.ca, content: files.caPem, mode: 0o644, owner },
    { kind: 'file', path: paths.certificate, content: files.certificatePem, mode: 0o644, owner },
    { kind: 'file', path: paths.key, content: files.privateKeyPem, mode: 0o600, owner, secret: true },
  ];
}
