import type { CaStore } from '@dockauth/ca';
import { applyPlan } from '../apply/apply-plan.js';
import type { Plan } from '../apply/plan.js';
import { removeTemporaries, type staleTemporaries } from '../apply/stale-temporaries.js';
import type { Context } from '../context.js';
import { crashPoint, uninterrupted } from '../interruption.js';
import { readPlainFile } from '../system/regular-file.js';
import { leftoversOf } from './csr-signing.js';

/** What `dockauth crl` will do: sign a CRL, write it in the state directory and at --out. */
export interface CrlPlan {
  /** The state directory's CRL. */
  crl: string;
  out: string | null;
  /** Revoked certificates in the inventory (the CRL lists those not yet expired). */
  revoked: number;
  /** --out does not hold the state directory's CRL (never written, or a run cut off before it). */
  outBehind: boolean;
  /** Temporary files of either CRL a killed run left: removed. */
  leftovers: string[];
}

export interface CrlInputs {
  crl: string;
  out?: string;
  revoked: number;
  /** Leftover temporary files in a directory (default: the file system's). */
  leftoversIn?: typeof staleTemporaries;
}

/** Reads the two CRL files and their directories; changes nothing. */
export function planCrl(inputs: CrlInputs): CrlPlan {
  const leftovers = leftoversOf(inputs.crl, inputs.leftoversIn);
  if (inputs.out !== undefined && inputs.out !== inputs.crl) leftovers.push(...leftoversOf(inputs.out, inputs.leftoversIn));
  const current = readPlainFile(inputs.crl);
  const atOut = inputs.out === undefined ? undefined : readPlainFile(inputs.out);
  return {
    crl: inputs.crl,
    out: inputs.out ?? null,
    revoked: inputs.revoked,
    outBehind: inputs.out !== undefined && (current === undefined || atOut === undefined || !current.equals(atOut)),
    leftovers,
  };
}

const outFile = (path: string, content: string): Plan => ({ changes: [{ kind: 'file', path, content, mode: 0o644 }] });

/**
 * Carries a CRL plan out: check --out, clear what a killed run left, then, without
 * stopping for a signal, sign and write the state directory's CRL (under the
 * store's lock) and copy it to --out. Cut off in between, --out lags one CRL
 * behind until the next run. Returns the CRL, or nothing in a dry run.
 */
export async function applyCrl(context: Context, store: CaStore, plan: CrlPlan): Promise<string | undefined> {
  if (plan.out !== null) applyPlan(outFile(plan.out, ''), { dryRun: true });
  await store.assertCanSign();
  if (context.dryRun) return undefined;
  removeTemporaries(plan.leftovers, undefined);
  crashPoint('crl:cleared');
  return uninterrupted(async () => {
    const pem = await store.publishCrl();
    crashPoint('crl:published');
    if (plan.out !== null) applyPlan(outFile(plan.out, pem), { dryRun: false });
    return pem;
  });
}
