import { InputError, type CaStore, type CertificateRecord } from '@dockauth/ca';
import type { Context } from './context.js';
import { applyIssuance, type IssuanceOutcome } from './issuance/apply-issuance.js';
import { planIssuance, type IssuanceOptions, type UserRequest } from './issuance/plan-issuance.js';
import { reportIssuance } from './issuance/report-issuance.js';
import { lookupAccounts } from './system/accounts.js';

export type { UserRequest } from './issuance/plan-issuance.js';
export type OnboardOptions = IssuanceOptions;
export type OnboardOutcome = IssuanceOutcome;

/**
 * Issues and installs client certificates for users who need one, and leaves
 * everyone else alone: the plan (planIssuance) is computed from the store and the
 * installed files, then carried out (applyIssuance), or only shown with --dry-run.
 */
export async function onboardUsers(context: Context, store: CaStore, requests: readonly UserRequest[], options: OnboardOptions): Promise<OnboardOutcome[]> {
  const accounts = options.out === undefined ? lookupAccounts(requests.map((request) => request.user)) : new Map();
  // Read once, before planning: the planner is pure.
  const known = new Map<string, CertificateRecord[]>();
  for (const request of requests) if (!known.has(request.user)) known.set(request.user, await store.certificatesOf(request.user));
  const plan = planIssuance(requests, options, {
    now: context.now(),
    caPem: store.caCertificatePem,
    certificatesOf: (user) => known.get(user) ?? [],
    accounts,
  });
  if ('unknownUsers' in plan) {
    const missing = plan.unknownUsers;
    throw new InputError(`failed to find ${missing.length === 1 ? 'user' : 'users'} ${missing.join(', ')}: no such account (getent passwd)`, {
      hint: 'create the accounts first (useradd), or write the files elsewhere with --out DIR',
    });
  }
  return applyIssuance(context, store, plan, options);
}

export const reportOutcomes = reportIssuance;
