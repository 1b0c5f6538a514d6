import { OperationError, describeCause, type CaStore, type Issued } from '@dockauth/ca';
import { applyPlan, applyPlans, type BatchOutcome } from '../apply/apply-plan.js';
import type { Change, Plan } from '../apply/plan.js';
import { removeTemporaries } from '../apply/stale-temporaries.js';
import { bundleChanges, certificateOnlyChanges } from '../client-bundle.js';
import type { Context } from '../context.js';
import { crashPoint, uninterrupted } from '../interruption.js';
import { Progress } from '../progress.js';
import { formatDate } from '../store-access.js';
import type { IssuanceOptions, IssuancePlan, PlannedUser } from './plan-issuance.js';

export interface IssuanceOutcome {
  user: string;
  changed: boolean;
  action: 'issued' | 'unchanged' | 'would issue' | 'skipped';
  why: string;
  serial: string | null;
  notAfter: string | null;
  dir: string;
  groups: string[];
  /** Set when the groups changed: what they were. */
  groupsBefore: string[] | null;
  /** True when only cert.pem is written: the user keeps their own key. */
  ownKey: boolean;
  /** Certificates revoked (or, in a dry run, to be revoked) as superseded. */
  superseded: string[];
  /** Files a replaced file was kept as. */
  backups: string[];
  /** Temporary files a killed run left, removed (in a dry run: to remove). */
  leftoversRemoved: number;
}

function filesFor(user: PlannedUser, caPem: string, issued: Pick<Issued, 'certificatePem' | 'privateKeyPem'>, contextHost: string | undefined): Change[] {
  if (user.ownKey) return certificateOnlyChanges(user.target, issued.certificatePem);
  return bundleChanges(user.target, { caPem, certificatePem: issued.certificatePem, privateKeyPem: issued.privateKeyPem ?? '' }, contextHost);
}

function initialOutcome(user: PlannedUser): IssuanceOutcome {
  const issuing = user.action === 'issue';
  return {
    user: user.user,
    changed: issuing || user.stale.length > 0 || user.leftovers.length > 0,
    action: issuing ? 'would issue' : user.action === 'skip' ? 'skipped' : 'unchanged',
    why: user.why,
    serial: user.current?.serial ?? null,
    notAfter: user.current ? formatDate(user.current.notAfter) : null,
    dir: user.target.dir,
    groups: user.groups,
    groupsBefore: user.groupsBefore ?? null,
    ownKey: user.ownKey !== undefined,
    superseded: issuing ? user.supersedes : user.stale,
    backups: [],
    leftoversRemoved: user.leftovers.length,
  };
}

function installOne(plan: Plan): BatchOutcome {
  try {
    return { ok: true, result: applyPlan(plan, { dryRun: false }) };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Carries an issuance plan out, in an order a re-run can always finish: remove
 * what a killed run left (temporary files, certificates recorded but never
 * installed), check every destination, sign (nothing is kept yet: an interruption
 * here leaves no trace), then, without stopping for a signal, record, install,
 * and revoke what the new certificates replace. A failed install revokes its new
 * certificate, so the inventory never calls valid a certificate that is not where
 * it says.
 */
export async function applyIssuance(context: Context, store: CaStore, plan: IssuancePlan, options: IssuanceOptions): Promise<IssuanceOutcome[]> {
  const caPem = store.caCertificatePem;
  const outcomes = new Map(plan.users.map((user) => [user.user, initialOutcome(user)]));
  const toIssue = plan.users.filter((user) => user.action === 'issue');
  const stale = plan.users.flatMap((user) => (user.action === 'issue' ? [] : user.stale));

  // Every destination is checked before anything is signed or written.
  const placeholder = { certificatePem: '', privateKeyPem: '' };
  for (const user of toIssue) applyPlan({ changes: [...plan.outRoot, ...filesFor(user, caPem, placeholder, options.contextHost)] }, { dryRun: true });
  if (toIssue.length > 0 || stale.length > 0) await store.assertCanSign();
  if (context.dryRun) return [...outcomes.values()];

  for (const user of plan.users) if (user.leftovers.length > 0) removeTemporaries(user.leftovers, user.target.owner);
  if (stale.length > 0) await store.revokeSerials(stale, 'superseded');
  if (toIssue.length === 0) return [...outcomes.values()];
  if (plan.outRoot.length > 0) applyPlan({ changes: plan.outRoot }, { dryRun: false });

  const progress = new Progress(toIssue.length, 'users', { json: context.json });
  const signed = await store.signClients(
    toIssue.map((user) => ({
      user: user.user,
      groups: user.groups,
      keyType: options.keyType,
      durationMs: options.durationMs,
      destination: user.target.dir,
      publicKeyFrom: user.ownKey,
    })),
    () => progress.tick(),
  );
  progress.finish();
  crashPoint('issue:signed');

  const failures = await uninterrupted(async () => {
    const issued = await store.recordClients(signed);
    crashPoint('issue:recorded');
    const plans = toIssue.map((user, index) => ({ changes: filesFor(user, caPem, issued[index]!, options.contextHost) }));
    // One user: fsync as usual. Many: one batch, synced twice in all.
    const applied = plans.length === 1 ? [installOne(plans[0]!)] : applyPlans(plans);
    const superseded: string[] = [];
    const failed: string[] = [];
    const problems: string[] = [];
    toIssue.forEach((user, index) => {
      const result = applied[index]!;
      const certificate = issued[index]!;
      if (!result.ok) {
        failed.push(certificate.record.serial);
        problems.push(`${user.user} (${user.target.dir}): ${describeCause(result.error)}`);
        return;
      }
      superseded.push(...user.supersedes);
      outcomes.set(user.user, {
        ...outcomes.get(user.user)!,
        action: 'issued',
        serial: certificate.record.serial,
        notAfter: formatDate(certificate.record.notAfter),
        backups: result.result.outcomes.flatMap((outcome) => (outcome.backup ? [outcome.backup] : [])),
      });
      if (certificate.clampedToCa) context.out.warn(`${user.user}'s certificate ends with the CA on ${formatDate(certificate.record.notAfter)}`);
    });
    crashPoint('issue:installed');
    // Never leave a valid certificate whose key went nowhere; the replaced ones stop working.
    if (failed.length > 0) await store.revokeSerials(failed, 'cessationOfOperation');
    if (superseded.length > 0) await store.revokeSerials(superseded, 'superseded');
    return problems;
  });
  if (failures.length > 0) {
    throw new OperationError(`failed to install ${failures.length} certificate(s): ${failures.join('; ')}`, {
      hint: 'those new certificates were revoked (the others are installed); fix the cause and run the command again',
    });
  }
  return [...outcomes.values()];
}
