import { dirname } from 'node:path';
import { describeCause, OperationError, type CaStore, type CertificateRecord, type Issued, type KeyType } from '@dockauth/ca';
import { applyPlan } from '../apply/apply-plan.js';
import { missingDirectories } from '../apply/missing-directories.js';
import type { Change } from '../apply/plan.js';
import { removeTemporaries, staleTemporaries } from '../apply/stale-temporaries.js';
import type { Context } from '../context.js';
import { uninterrupted } from '../interruption.js';
import { certificateIsInstalled, type InstalledPaths } from '../system/installed-bundle.js';
import { readPlainFile } from '../system/regular-file.js';

const DAY = 86_400_000;

/** What will happen to one daemon's certificate files. */
export interface ServerPlan {
  paths: InstalledPaths;
  hosts: string[];
  action: 'issue' | 'unchanged';
  why: string;
  /** The certificate installed at these paths, if it is ours. */
  current?: CertificateRecord;
  /** Valid certificates recorded for this directory but not installed there (a run cut off): revoked. */
  stale: string[];
  /** Temporary files a killed run left beside the files: removed. */
  leftovers: string[];
}

/** Reads the store and the files at `paths`; decides whether to issue. Changes nothing. */
/** `known`: the CA certificate and the valid server certificates of the inventory. */
export function planServer(known: { caCertificatePem: string; servers: readonly CertificateRecord[] }, paths: InstalledPaths, hosts: string[], withinDays: number, now: Date): ServerPlan {
  const installed = readPlainFile(paths.certificate)?.toString();
  const valid = known.servers.filter((record) => record.notAfter > now);
  const record = installed === undefined ? undefined : valid.find((candidate) => candidate.certificatePem === installed);
  const current = record && certificateIsInstalled(paths, known.caCertificatePem, record.certificatePem) ? record : undefined;
  const dir = dirname(paths.certificate);
  const stale = valid.filter((candidate) => candidate !== current && candidate.destination === dir && candidate.certificatePem !== installed).map((candidate) => candidate.serial);
  const leftovers = staleTemporaries(dir, undefined);
  let why: string | undefined;
  if (!current) why = installed === undefined ? 'no certificate installed' : 'the installed files are not a complete certificate of ours';
  else if (current.notAfter.getTime() - now.getTime() <= withinDays * DAY) why = `expires within ${withinDays} days`;
  else if (!hosts.every((host) => current.hosts.includes(host))) why = `does not cover ${hosts.filter((host) => !current.hosts.includes(host)).join(', ')}`;
  return { paths, hosts, action: why ? 'issue' : 'unchanged', why: why ?? 'valid and installed', current, stale, leftovers };
}

function changes(paths: InstalledPaths, files: { caPem: string; certificatePem: string; privateKeyPem: string }): Change[] {
  return [
    ...missingDirectories(dirname(paths.certificate), 0o755),
    { kind: 'file', path: paths.ca, content: files.caPem, mode: 0o644 },
    { kind: 'file', path: paths.certificate, content: files.certificatePem, mode: 0o644 },
    { kind: 'file', path: paths.key, content: files.privateKeyPem, mode: 0o600, secret: true },
  ];
}

/**
 * Carries a server plan out in the order user certificates follow: check the
 * destination, clear what a killed run left, then sign, record, write and revoke
 * the replaced certificate without stopping for a signal. A failed write revokes
 * the new certificate.
 */
export async function applyServer(
  context: Context,
  store: CaStore,
  plan: ServerPlan,
  options: { keyType?: KeyType; durationMs?: number },
): Promise<Issued | undefined> {
  if (plan.action === 'unchanged' && plan.stale.length === 0 && plan.leftovers.length === 0) return undefined;
  if (plan.action === 'issue') applyPlan({ changes: changes(plan.paths, { caPem: store.caCertificatePem, certificatePem: '', privateKeyPem: '' }) }, { dryRun: true });
  await store.assertCanSign();
  if (context.dryRun) return undefined;
  removeTemporaries(plan.leftovers, undefined);
  if (plan.stale.length > 0) await store.revokeSerials(plan.stale, 'superseded');
  if (plan.action === 'unchanged') return undefined;
  return uninterrupted(async () => {
    const issued = await store.issueServer({ hosts: plan.hosts, keyType: options.keyType, durationMs: options.durationMs, destination: dirname(plan.paths.certificate) });
    try {
      applyPlan({ changes: changes(plan.paths, { caPem: store.caCertificatePem, certificatePem: issued.certificatePem, privateKeyPem: issued.privateKeyPem! }) }, { dryRun: false });
    } catch (error) {
      await store.revokeSerials([issued.record.serial], 'cessationOfOperation');
      throw new OperationError(`failed to install the server certificate in ${dirname(plan.paths.certificate)}: ${describeCause(error)}`, {
        cause: error,
        hint: 'the new certificate was revoked; fix the cause and run the command again',
      });
    }
    if (plan.current) await store.revokeSerials([plan.current.serial], 'superseded');
    return issued;
  });
}
