import { resolve } from 'node:path';
import { CaStore } from '@dockauth/ca';
import { applyPlan } from '../apply/apply-plan.js';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { openStore } from '../store-access.js';

export interface CrlOptions extends GlobalOptions {
  out?: string;
}

/** Publishes a fresh CRL in the state directory (and at --out). */
export async function crlCommand(context: Context, options: CrlOptions): Promise<CommandResult> {
  const out = options.out === undefined ? undefined : resolve(options.out);
  if (out) applyPlan({ changes: [{ kind: 'file', path: out, content: '', mode: 0o644 }] }, { dryRun: true });
  const store = await openStore(context, options);
  try {
    await store.assertCanSign();
    const path = CaStore.paths(context.dir).crl;
    if (context.dryRun) {
      const revoked = store.count({ status: 'revoked' });
      context.out.say(`would sign a new CRL listing the revoked certificates that have not expired (${revoked} revoked in all) and write it to ${path}${out ? ` and ${out}` : ''}`);
      return { changed: true, dryRun: true, crl: path, out: out ?? null, revoked };
    }
    const pem = await store.publishCrl();
    if (out) applyPlan({ changes: [{ kind: 'file', path: out, content: pem, mode: 0o644 }] }, { dryRun: false });
    const revoked = store.count({ status: 'revoked' });
    context.out.say(`Published the CRL (${revoked} revoked) in ${path}${out ? ` and ${out}` : ''}.`);
    return { changed: true, crl: path, out: out ?? null, revoked };
  } finally {
    store.close();
  }
}
