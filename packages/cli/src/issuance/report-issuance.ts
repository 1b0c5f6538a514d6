import type { Context } from '../context.js';
import type { IssuanceOutcome } from './apply-issuance.js';

const list = (groups: readonly string[] | null): string => (groups && groups.length > 0 ? groups.join(',') : '(none)');

/** One line per user (plus what is revoked and kept); in a dry run, the plan. */
export function reportIssuance(context: Context, outcomes: readonly IssuanceOutcome[]): void {
  const say = (text: string): void => context.out.say(text);
  for (const outcome of outcomes) {
    const what = outcome.ownKey ? 'cert.pem only (they keep their own key.pem)' : 'ca.pem, cert.pem and key.pem';
    if (outcome.action === 'unchanged') {
      say(`${outcome.user}: unchanged (certificate ${outcome.serial} valid until ${outcome.notAfter})`);
    } else if (outcome.action === 'skipped') {
      context.out.warn(`${outcome.user}: not renewed: ${outcome.why}`);
    } else if (outcome.action === 'would issue') {
      const key = outcome.ownKey ? 're-sign their own public key' : 'sign a new key';
      say(`${outcome.user}: would ${key} and write ${what} into ${outcome.dir} (${outcome.why})`);
    } else {
      const key = outcome.ownKey ? ' (their own key, re-signed)' : '';
      say(`${outcome.user}: installed certificate ${outcome.serial}${key} in ${outcome.dir}, valid until ${outcome.notAfter} (${outcome.why})`);
    }
    if (outcome.groupsBefore) say(`  groups: ${list(outcome.groupsBefore)} -> ${list(outcome.groups)}`);
    if (outcome.superseded.length > 0) {
      const verb = context.dryRun ? 'would revoke' : outcome.action === 'issued' || outcome.action === 'unchanged' ? 'revoked' : 'would revoke';
      const why = outcome.action === 'unchanged' ? 'recorded for this place but not installed (an interrupted run)' : 'superseded';
      say(`  ${verb} ${outcome.superseded.join(', ')} (${why})`);
    }
    for (const backup of outcome.backups) say(`  kept the previous file as ${backup}`);
    if (outcome.leftoversRemoved > 0) say(`  ${context.dryRun ? 'would remove' : 'removed'} ${outcome.leftoversRemoved} temporary file(s) a killed run left`);
  }
}
