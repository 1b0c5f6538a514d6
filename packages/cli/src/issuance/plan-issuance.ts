import { createPublicKey, X509Certificate } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateRecord, KeyType } from '@dockauth/ca';
import type { Change } from '../apply/plan.js';
import { missingDirectories } from '../apply/missing-directories.js';
import { staleTemporaries } from '../apply/stale-temporaries.js';
import { bundlePaths, contextMeta, homeTarget, outTarget, type BundleTarget } from '../client-bundle.js';
import type { Account } from '../system/accounts.js';
import { certificateIsInstalled } from '../system/installed-bundle.js';
import { readPlainFile } from '../system/regular-file.js';

export interface UserRequest {
  user: string;
  /** The groups to certify; undefined keeps what the user's newest certificate says. */
  groups?: string[];
  /** Install where the user's certificate was installed before (renewal), not in their home. */
  followDestination?: boolean;
}

export interface IssuanceOptions {
  /** Write DIR/NAME/ bundles instead of installing into homes. */
  out?: string;
  /** A certificate expiring within this many days is replaced. */
  withinDays: number;
  durationMs?: number;
  keyType?: KeyType;
  /** Also install a `docker context` pointing at this host. */
  contextHost?: string;
}

/** What will happen to one user. */
export interface PlannedUser {
  user: string;
  target: BundleTarget;
  /** issue: sign and install; unchanged: what is installed is good; skip: nothing can be done safely (why says what to do). */
  action: 'issue' | 'unchanged' | 'skip';
  why: string;
  groups: string[];
  /** Set when the groups change: what the current certificate says. */
  groupsBefore?: string[];
  /** The user keeps their own key: their public key is re-signed and only cert.pem is written. */
  ownKey?: { certificatePem: string; keyType: KeyType };
  /** The certificate installed at the target (or the newest valid one). */
  current?: CertificateRecord;
  /** Revoked (superseded) once the new certificate is installed. */
  supersedes: string[];
  /** Valid certificates recorded for this target but not installed there (a run cut off): revoked. */
  stale: string[];
  /** Temporary files a killed run left in the target directory: removed. */
  leftovers: string[];
}

export interface IssuancePlan {
  users: PlannedUser[];
  /** Directories to make for --out. */
  outRoot: Change[];
}

/** What the planner reads; the command passes the store and the file system. */
export interface IssuanceInputs {
  now: Date;
  caPem: string;
  /** The store's client certificates of a user, newest expiry first. */
  certificatesOf(user: string): CertificateRecord[];
  accounts: ReadonlyMap<string, Account | undefined>;
  /** Leftover temporary files in a directory (default: the file system's). */
  leftoversIn?: typeof staleTemporaries;
}

const DAY = 86_400_000;
const sameGroups = (a: readonly string[], b: readonly string[]): boolean => [...a].sort().join('\n') === [...b].sort().join('\n');

function certificateKey(pem: string): Buffer | undefined {
  try {
    return new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  } catch {
    return undefined;
  }
}

/** A holder's own certificate is installed when cert.pem is it, and key.pem, if there and readable, is its key. */
function ownCertificateInstalled(target: BundleTarget, record: CertificateRecord): boolean {
  const paths = bundlePaths(target);
  if (readPlainFile(paths.certificate)?.toString() !== record.certificatePem) return false;
  const key = readPlainFile(paths.key);
  if (key === undefined) return true;
  let fromKey: Buffer;
  try {
    fromKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
  } catch {
    return true; // encrypted, or a form we cannot read: theirs to judge
  }
  return Boolean(certificateKey(record.certificatePem)?.equals(fromKey));
}

/** Whether cert.pem at the target carries this record's public key (the holder installed some certificate of theirs there). */
function holdsPublicKey(target: BundleTarget, record: CertificateRecord): boolean {
  const installed = readPlainFile(bundlePaths(target).certificate);
  const mine = certificateKey(record.certificatePem);
  return installed !== undefined && mine !== undefined && Boolean(certificateKey(installed.toString())?.equals(mine));
}

function isFile(path: string): boolean {
  try {
    return !lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function chooseTarget(request: UserRequest, newest: CertificateRecord | undefined, options: IssuanceOptions, inputs: IssuanceInputs): BundleTarget | string {
  if (options.out !== undefined) return outTarget(options.out, request.user);
  const account = inputs.accounts.get(request.user);
  // `sign --out FILE` records the file it wrote: a bundle directory is followed, a file is not.
  const destination = request.followDestination && newest?.destination && !isFile(newest.destination) ? newest.destination : undefined;
  if (destination && (!account || destination !== join(account.home, '.docker'))) return { user: request.user, dir: destination, owner: undefined };
  if (!account) return `no such account`;
  return homeTarget(account);
}

/**
 * Decides, for each user, what to sign, write and revoke; reads the store and the
 * installed files, changes nothing. What is installed and good is left alone,
 * groups are kept unless given, and a key the user brought is never replaced.
 */
export function planIssuance(requests: readonly UserRequest[], options: IssuanceOptions, inputs: IssuanceInputs): IssuancePlan | { unknownUsers: string[] } {
  const leftoversIn = inputs.leftoversIn ?? staleTemporaries;
  const unknownUsers: string[] = [];
  const users: PlannedUser[] = [];
  for (const request of requests) {
    const records = inputs.certificatesOf(request.user);
    const valid = records.filter((record) => record.status === 'valid' && record.notAfter > inputs.now);
    const newest = [...records].sort((a, b) => b.issuedAt.getTime() - a.issuedAt.getTime())[0];
    const target = chooseTarget(request, valid[0] ?? newest, options, inputs);
    if (typeof target === 'string') {
      // A holder of their own key needs no account here; the timer must not fail for them.
      if (newest?.origin === 'csr') {
        const due = !valid[0] || valid[0].notAfter.getTime() - inputs.now.getTime() <= options.withinDays * DAY;
        const why = due
          ? `${request.user} keeps their own key and has no account here to install into; sign their new CSR (dockauth sign --csr FILE --user ${request.user})`
          : 'certificate valid (they keep it themselves)';
        const target = { user: request.user, dir: '-', owner: undefined };
        users.push({ user: request.user, target, action: due ? 'skip' : 'unchanged', why, groups: newest.groups, current: valid[0], supersedes: [], stale: [], leftovers: [] });
      } else unknownUsers.push(request.user);
      continue;
    }
    const ownsKey = newest?.origin === 'csr';
    const installed = (record: CertificateRecord): boolean =>
      ownsKey ? ownCertificateInstalled(target, record) : certificateIsInstalled(bundlePaths(target), inputs.caPem, record.certificatePem);
    const current = valid.find(installed) ?? valid[0];
    const groups = request.groups ?? current?.groups ?? newest?.groups ?? [];
    const base = { user: request.user, target, groups, current, supersedes: [] as string[], stale: [] as string[] };
    const leftovers = leftoversIn(target.dir, target.owner);
    for (const dir of options.contextHost === undefined ? [] : [join(target.dir, 'contexts')]) leftovers.push(...leftoversIn(dir, target.owner));

    let why: string | undefined;
    if (!current) why = 'no valid certificate';
    else if (!sameGroups(current.groups, groups)) why = `groups change from ${current.groups.join(',') || '(none)'} to ${groups.join(',') || '(none)'}`;
    else if (current.notAfter.getTime() - inputs.now.getTime() <= options.withinDays * DAY) why = `expires within ${options.withinDays} days`;
    // A holder who keeps their certificate elsewhere (sign --csr to stdout) is not told to install it here.
    else if (!installed(current) && !(ownsKey && !holdsPublicKey(target, current))) why = 'installed files missing or different';
    else if (options.contextHost !== undefined && !ownsKey) {
      const meta = contextMeta(target, options.contextHost);
      if (readPlainFile(meta.path)?.toString() !== meta.content) why = 'docker context missing or different';
    }

    if (why === undefined) {
      const stale = valid.filter((record) => record !== current && record.destination === target.dir).map((record) => record.serial);
      users.push({ ...base, action: 'unchanged', why: 'certificate valid and installed', stale, leftovers });
      continue;
    }
    const groupsBefore = current && !sameGroups(current.groups, groups) ? current.groups : undefined;
    if (ownsKey) {
      // Re-sign the key the user holds: the newest certificate we issued them carries it.
      const carrier = current ?? newest!;
      const placed = options.out !== undefined || installed(carrier) || holdsPublicKey(target, carrier);
      if (!placed) {
        users.push({
          ...base,
          action: 'skip',
          why: `${request.user} keeps their own key and no certificate of theirs is in ${target.dir}/cert.pem; dockauth writes no key for them. ` +
            `Sign their new CSR (dockauth sign --csr FILE --user ${request.user}) or renew into a directory: --out DIR`,
          leftovers,
        });
        continue;
      }
      users.push({ ...base, action: 'issue', why, groupsBefore, ownKey: { certificatePem: carrier.certificatePem, keyType: carrier.keyType }, supersedes: valid.map((record) => record.serial), leftovers });
      continue;
    }
    users.push({ ...base, action: 'issue', why, groupsBefore, supersedes: valid.map((record) => record.serial), leftovers });
  }
  if (unknownUsers.length > 0) return { unknownUsers };
  return { users, outRoot: options.out === undefined ? [] : missingDirectories(options.out, 0o700) };
}
