import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@dockauth/ca';
import type { Account } from './system/accounts.js';
import { dockerContextFiles } from '@dockauth/profile-d';
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

/**
 * The changes that install a bundle: a private directory, two certificates and the
 * key (0600). In a user's home every replaced file is kept beside it first.
 */
export function bundleChanges(
  target: BundleTarget,
  files: { caPem: string; certificatePem: string; privateKeyPem: string },
  contextHost?: string,
): Change[] {
  const owner = target.owner;
  const backup = owner !== undefined;
  const paths = bundlePaths(target);
  const changes: Change[] = [
    { kind: 'directory', path: target.dir, mode: 0o700, owner },
    { kind: 'file', path: paths.ca, content: files.caPem, mode: 0o644, owner, backup },
    { kind: 'file', path: paths.certificate, content: files.certificatePem, mode: 0o644, owner, backup },
    { kind: 'file', path: paths.key, content: files.privateKeyPem, mode: 0o600, owner, secret: true, backup },
  ];
  if (contextHost !== undefined) {
    const context = dockerContextFiles({ host: contextHost, ...files });
    for (const dir of context.directories) changes.push({ kind: 'directory', path: join(target.dir, dir), mode: 0o700, owner });
    for (const file of context.files) {
      changes.push({ kind: 'file', path: join(target.dir, file.path), content: file.content, mode: file.mode, owner, secret: file.path.endsWith('key.pem'), backup });
    }
  }
  return changes;
}

/**
 * For a user who keeps their own key: only cert.pem (the previous one kept beside
 * it in a home); key.pem is theirs and never written. A directory of theirs is
 * left as it is; an --out directory is made if missing.
 */
export function certificateOnlyChanges(target: BundleTarget, certificatePem: string): Change[] {
  const owner = target.owner;
  const file: Change = { kind: 'file', path: bundlePaths(target).certificate, content: certificatePem, mode: 0o644, owner, backup: owner !== undefined };
  return owner === undefined ? [{ kind: 'directory', path: target.dir, mode: 0o700 }, file] : [file];
}

/** The docker context's meta.json path and expected content, to tell whether it is installed. */
export function contextMeta(target: BundleTarget, host: string): { path: string; content: string } {
  const meta = dockerContextFiles({ host, caPem: '', certificatePem: '', privateKeyPem: '' }).files[0]!;
  return { path: join(target.dir, meta.path), content: meta.content };
}
