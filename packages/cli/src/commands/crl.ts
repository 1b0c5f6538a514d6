import { resolve } from 'node:path';
import { CaStore } from '@dockauth/ca';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { applyCrl, planCrl } from '../issuance/crl-publication.js';
import { openStore } from '../store-access.js';

export interface CrlOptions extends GlobalOptions {
  out?: string;
}

/** Publishes a fresh CRL in the state directory (and at --out). */
export async function crlCommand(context: Context, options: CrlOptions): Promise<CommandResult> {
  const out = options.out === undefined ? undefined : resolve(options.out);
  const store = await openStore(context, options);
  try {
    const plan = planCrl({ crl: CaStore.paths(context.dir).crl, out, revoked: await store.count({ status: 'revoked' }) });
    const pem = await applyCrl(context, store, plan);
    const where = `${plan.crl}${out ? ` and ${out}` : ''}`;
    const removed = plan.leftovers.length > 0 ? `; ${context.dryRun ? 'would remove' : 'removed'} ${plan.leftovers.length} temporary file(s) a killed run left` : '';
    if (pem === undefined) {
      context.out.say(`would sign a new CRL listing the revoked certificates that have not expired (${plan.revoked} revoked in all) and write it to ${where}${removed}`);
      return { changed: true, dryRun: true, crl: plan.crl, out: plan.out, revoked: plan.revoked, leftovers: plan.leftovers.length };
    }
    context.out.say(`Published the CRL (${plan.revoked} revoked) in ${where}${removed}.`);
    return { changed: true, crl: plan.crl, out: plan.out, revoked: plan.revoked, leftoversRemoved: plan.leftovers.length };
  } finally {
    await store.close();
  }
}
