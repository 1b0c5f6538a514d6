import { join } from 'node:path';
import { CaStore, InputError, OperationError, describeCause, type CertificateRecord, type KeyType } from '@dockauth/ca';
import { applyPlan, applyPlans, type BatchOutcome } from './apply/apply-plan.js';
import type { Change, Plan } from './apply/plan.js';
import { missingDirectories } from './apply/missing-directories.js';
import { bundleChanges, bundlePaths, contextMeta, homeTarget, outTarget, type BundleTarget } from './client-bundle.js';
import type { Context } from './context.js';
import { Progress } from './progress.js';
import { formatDate } from './store-access.js';
import { lookupAccounts } from './system/accounts.js';
import { certificateIsInstalled } from './system/installed-bundle.js';
import { readPlainFile } from './system/regular-file.js';

export interface UserRequest {
  user: string;
  groups: string[];
  /** Where the current certificate was installed (renewal puts the next one there). */
  destination?: string | null;
}

export interface OnboardOptions {
  /** Write DIR/NAME/ bundles instead of installing into homes. */
  out?: string;
  /** A certificate expiring within this many days is replaced. */
  withinDays: number;
  durationMs?: number;
  keyType?: KeyType;
  /** Also install a `docker context` pointing at this host. */
  contextHost?: string;
}

export interface OnboardOutcome {
  user: string;
  changed: boolean;
  action: 'issued' | 'unchanged' | 'would issue';
  why: string;
  serial: string | null;
  notAfter: string | null;
  dir: string;
  superseded: string[];
}

const DAY = 86_400_000;
const sameGroups = (a: readonly string[], b: readonly string[]): boolean => [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * Where each user's bundle goes: --out if given, else where their certificate
 * was installed before (an --out bundle stays one), else their home. Unknown
 * accounts are all reported at once.
 */
function resolveTargets(requests: readonly UserRequest[], out: string | undefined): Map<string, BundleTarget> {
  if (out !== undefined) return new Map(requests.map((request) => [request.user, outTarget(out, request.user)]));
  const accounts = lookupAccounts(requests.map((request) => request.user));
  const targets = new Map<string, BundleTarget>();
  const missing: string[] = [];
  for (const request of requests) {
    const account = accounts.get(request.user);
    const shipped = request.destination && (!account || request.destination !== join(account.home, '.docker'));
    if (shipped) targets.set(request.user, { user: request.user, dir: request.destination as string, owner: undefined });
    else if (account) targets.set(request.user, homeTarget(account));
    else missing.push(request.user);
  }
  if (missing.length > 0) {
    throw new InputError(`failed to find ${missing.length === 1 ? 'user' : 'users'} ${missing.join(', ')}: no such account (getent passwd)`, {
      hint: 'create the accounts first (useradd), or write the files elsewhere with --out DIR',
    });
  }
  return targets;
}

/** Why a user needs a new certificate, or undefined when what they have is good. */
function reasonToIssue(
  request: UserRequest,
  current: CertificateRecord | undefined,
  target: BundleTarget,
  caPem: string,
  options: OnboardOptions,
  now: Date,
): string | undefined {
  if (!current) return 'no valid certificate';
  if (current.notAfter.getTime() - now.getTime() <= options.withinDays * DAY) return `expires within ${options.withinDays} days`;
  if (!sameGroups(current.groups, request.groups)) return 'groups changed';
  if (!certificateIsInstalled(bundlePaths(target), caPem, current.certificatePem)) return 'installed files missing or different';
  if (options.contextHost !== undefined) {
    const meta = contextMeta(target, options.contextHost);
    if (readPlainFile(meta.path)?.toString() !== meta.content) return 'docker context missing or different';
  }
  return undefined;
}

/**
 * Issues and installs client certificates for users who need one, and leaves
 * everyone else alone. Every destination is checked before any certificate is
 * issued, so a planted link or a missing home changes nothing at all.
 */
export async function onboardUsers(
  context: Context,
  store: CaStore,
  requests: readonly UserRequest[],
  options: OnboardOptions,
): Promise<OnboardOutcome[]> {
  const targets = resolveTargets(requests, options.out);
  const now = context.now();
  const caPem = store.caCertificatePem;
  const outRoot: Change[] = options.out === undefined ? [] : missingDirectories(options.out, 0o700);

  const work = requests.map((request) => {
    const target = targets.get(request.user)!;
    const valid = store.certificatesOf(request.user).filter((record) => record.status === 'valid' && record.notAfter > now);
    const why = reasonToIssue(request, valid[0], target, caPem, options, now);
    return { request, target, valid, why };
  });
  const toIssue = work.filter((item) => item.why !== undefined);

  // Preflight: the applier checks every destination, writing nothing.
  const placeholder = { caPem, certificatePem: '', privateKeyPem: '' };
  for (const item of toIssue) applyPlan({ changes: [...outRoot, ...bundleChanges(item.target, placeholder, options.contextHost)] }, { dryRun: true });
  if (toIssue.length > 0) await store.assertCanSign();

  const outcomes = new Map<string, OnboardOutcome>();
  for (const { request, target, valid, why } of work) {
    const current = valid[0];
    outcomes.set(request.user, {
      user: request.user,
      changed: why !== undefined,
      action: why === undefined ? 'unchanged' : 'would issue',
      why: why ?? 'certificate valid and installed',
      serial: current?.serial ?? null,
      notAfter: current ? formatDate(current.notAfter) : null,
      dir: target.dir,
      superseded: [],
    });
  }
  if (context.dryRun || toIssue.length === 0) return [...outcomes.values()];

  if (outRoot.length > 0) applyPlan({ changes: outRoot }, { dryRun: false });
  const progress = new Progress(toIssue.length, 'users', { json: context.json });
  const issued = await store.issueClients(
    toIssue.map((item) => ({
      user: item.request.user,
      groups: item.request.groups,
      keyType: options.keyType,
      durationMs: options.durationMs,
      destination: item.target.dir,
    })),
    () => progress.tick(),
  );
  progress.finish();
  const plans = toIssue.map((item, index) => ({
    changes: bundleChanges(item.target, { caPem, certificatePem: issued[index]!.certificatePem, privateKeyPem: issued[index]!.privateKeyPem! }, options.contextHost),
  }));
  // One user: fsync as usual. Many: one batch, synced twice in all.
  const applied = plans.length === 1 ? [installOne(plans[0]!)] : applyPlans(plans);
  const superseded: string[] = [];
  const failures: string[] = [];
  toIssue.forEach((item, index) => {
    const outcome = applied[index]!;
    const certificate = issued[index]!;
    if (!outcome.ok) {
      failures.push(`${item.request.user} (${item.target.dir}): ${describeCause(outcome.error)}`);
      return;
    }
    const old = item.valid.map((record) => record.serial);
    superseded.push(...old);
    outcomes.set(item.request.user, {
      ...outcomes.get(item.request.user)!,
      action: 'issued',
      serial: certificate.record.serial,
      notAfter: formatDate(certificate.record.notAfter),
      superseded: old,
    });
    if (certificate.clampedToCa) context.out.warn(`${item.request.user}'s certificate ends with the CA on ${formatDate(certificate.record.notAfter)}`);
  });
  if (failures.length > 0) {
    // Never leave a valid certificate whose key went nowhere.
    await store.revokeSerials(
      toIssue.flatMap((_, index) => (applied[index]!.ok ? [] : [issued[index]!.record.serial])),
      'cessationOfOperation',
    );
    if (superseded.length > 0) await store.revokeSerials(superseded, 'superseded');
    throw new OperationError(`failed to install ${failures.length} certificate(s): ${failures.join('; ')}`, {
      hint: 'those new certificates were revoked (the others are installed); fix the cause and run the command again',
    });
  }
  // The replaced certificates stop working: the plugin refuses revoked serials.
  if (superseded.length > 0) await store.revokeSerials(superseded, 'superseded');
  return [...outcomes.values()];
}

export function reportOutcomes(context: Context, outcomes: readonly OnboardOutcome[]): void {
  for (const outcome of outcomes) {
    if (outcome.action === 'unchanged') {
      context.out.say(`${outcome.user}: unchanged (certificate ${outcome.serial} valid until ${outcome.notAfter})`);
    } else if (outcome.action === 'would issue') {
      context.out.say(`${outcome.user}: would issue a certificate into ${outcome.dir} (${outcome.why})`);
    } else {
      context.out.say(`${outcome.user}: installed certificate ${outcome.serial} in ${outcome.dir}, valid until ${outcome.notAfter} (${outcome.why})`);
    }
  }
}

function installOne(plan: Plan): BatchOutcome {
  try {
    return { ok: true, result: applyPlan(plan, { dryRun: false }) };
  } catch (error) {
    return { ok: false, error };
  }
}
