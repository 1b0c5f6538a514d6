import { InputError, validateLoginName } from '@dockauth/ca';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { onboardUsers, reportOutcomes } from '../onboarding.js';
import { daysOption, durationOption, openStore } from '../store-access.js';

export interface UserRenewOptions extends GlobalOptions {
  all?: boolean;
  within?: string;
  days?: string;
  out?: string;
}

/**
 * Re-issues certificates that expire within --within days, keeping each user's
 * groups and installing where the old one was; with --all, every user who still
 * has a certificate that is not revoked.
 */
export async function userRenewCommand(context: Context, options: UserRenewOptions, args: unknown[]): Promise<CommandResult> {
  const names = ((args[0] as string[] | undefined) ?? []).map((name) => validateLoginName(name));
  if (options.all === (names.length > 0)) {
    throw new InputError(options.all ? '--all and user names exclude each other' : 'no users to renew', {
      hint: 'name users (dockauth user renew alice) or pass --all',
    });
  }
  const withinDays = daysOption(options.within ?? '30', '--within');
  const store = await openStore(context, options);
  try {
    const users = options.all
      ? [...new Set((await store.list({ profile: 'client', status: 'valid' })).map((record) => record.user as string))]
      : names;
    const requests: Array<{ user: string; followDestination: boolean }> = [];
    for (const user of users) {
      const latest = (await store.certificatesOf(user)).find((record) => record.status === 'valid');
      if (!latest) {
        throw new InputError(`failed to renew ${user}: no certificate that is not revoked`, { hint: `issue one with: dockauth user add ${user}` });
      }
      requests.push({ user, followDestination: true });
    }
    const outcomes = await onboardUsers(context, store, requests, {
      out: options.out,
      withinDays,
      durationMs: durationOption(options.days),
    });
    reportOutcomes(context, outcomes);
    return { changed: outcomes.some((outcome) => outcome.changed), dryRun: context.dryRun, users: outcomes };
  } finally {
    await store.close();
  }
}
