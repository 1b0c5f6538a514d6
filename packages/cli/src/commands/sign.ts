import { stdout } from '../stdio.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, validateGroupName } from '@dockauth/ca';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { applySign, planSign, type SignPlan } from '../issuance/csr-signing.js';
import { durationOption, formatDate, openStore } from '../store-access.js';

export interface SignOptions extends GlobalOptions {
  csr: string;
  user: string;
  group?: string[];
  days?: string;
  out?: string;
}

/** What is revoked and removed besides the signing, in the words of the run (or of the plan). */
function sayCleanup(context: Context, plan: SignPlan): void {
  const verb = context.dryRun ? 'would revoke' : 'revoked';
  if (plan.stale.length > 0) context.out.say(`${verb} ${plan.stale.join(', ')} (recorded for ${plan.out} but not in it: an interrupted run)`);
  if (plan.supersedes.length > 0) context.out.say(`${verb} ${plan.supersedes.join(', ')} (superseded: ${plan.out} held it)`);
  if (plan.leftovers.length > 0) context.out.say(`${context.dryRun ? 'would remove' : 'removed'} ${plan.leftovers.length} temporary file(s) a killed run left`);
}

/** Signs a user's CSR with the client profile; the private key never leaves the user. */
export async function signCommand(context: Context, options: SignOptions): Promise<CommandResult> {
  let csrPem: string;
  try {
    csrPem = readFileSync(options.csr, 'utf8');
  } catch (error) {
    throw new InputError(`failed to read --csr ${options.csr}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const groups = (options.group ?? []).map((group) => validateGroupName(group, '--group'));
  const durationMs = durationOption(options.days);
  const out = options.out === undefined ? undefined : resolve(options.out);
  const store = await openStore(context, options);
  try {
    await store.verifyCsr({ csrPem, where: options.csr, user: options.user }); // a bad CSR stops the run before anything changes
    const known = await store.certificatesOf(options.user);
    const plan = planSign({ csr: options.csr, user: options.user, groups, durationMs, out }, {
      now: context.now(),
      certificatesOf: () => known,
    });
    const issued = await applySign(context, store, plan, csrPem);
    const revokes = [...plan.stale, ...plan.supersedes];
    if (!issued) {
      context.out.say(`would sign the public key of ${options.csr} for ${options.user} (groups: ${groups.join(',') || '(none)'}); the private key stays with them`);
      context.out.say(`would record it in ${context.dir} and write it to ${out ?? 'stdout'}`);
      if (revokes.length === 0) context.out.say(`would revoke nothing${plan.kept.length > 0 ? ` (their valid certificates ${plan.kept.join(', ')} stay valid)` : ''}`);
      sayCleanup(context, plan);
      return { changed: true, dryRun: true, user: options.user, groups, out: out ?? null, revokes, leftovers: plan.leftovers.length };
    }
    if (out) {
      context.out.say(`Signed ${options.user}'s CSR: certificate ${issued.record.serial} in ${out}, valid until ${formatDate(issued.record.notAfter)}.`);
      sayCleanup(context, plan);
    } else if (!context.json) {
      stdout.write(issued.certificatePem);
    }
    return {
      changed: true,
      user: options.user,
      serial: issued.record.serial,
      notAfter: formatDate(issued.record.notAfter),
      out: out ?? null,
      certificate: issued.certificatePem,
      superseded: revokes,
      leftoversRemoved: plan.leftovers.length,
    };
  } finally {
    await store.close();
  }
}
