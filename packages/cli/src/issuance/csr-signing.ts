import { basename, dirname } from 'node:path';
import { OperationError, TEMPORARY_NAME, describeCause, type CaStore, type CertificateRecord, type Issued } from '@dockauth/ca';
import { applyPlan } from '../apply/apply-plan.js';
import type { Plan } from '../apply/plan.js';
import { removeTemporaries, staleTemporaries } from '../apply/stale-temporaries.js';
import type { Context } from '../context.js';
import { crashPoint, uninterrupted } from '../interruption.js';
import { readPlainFile } from '../system/regular-file.js';

export interface SignRequest {
  /** The CSR file, as given (for messages). */
  csr: string;
  user: string;
  groups: string[];
  durationMs?: number;
  /** Absolute path of the certificate file; undefined: standard output. */
  out?: string;
}

/** What `dockauth sign` will do: sign one certificate, record it, write it, revoke what it replaces. */
export interface SignPlan extends SignRequest {
  /** Recorded with the certificate: the file --out (null for standard output). */
  destination: string | null;
  /** The user's valid certificate now in --out: overwritten, so revoked (superseded) once the new one is there. */
  supersedes: string[];
  /** Valid certificates recorded for --out but not in it (a run cut off, or replaced since): revoked first. */
  stale: string[];
  /** The user's other valid certificates: they stay valid. */
  kept: string[];
  /** Temporary files of --out a killed run left: removed. */
  leftovers: string[];
}

export interface SignInputs {
  now: Date;
  certificatesOf(user: string): CertificateRecord[];
  /** Leftover temporary files in a directory (default: the file system's). */
  leftoversIn?: typeof staleTemporaries;
}

/** Temporary files the applier names after `path` (`.NAME.PID.RANDOM.tmp`) whose process is gone. */
export function leftoversOf(path: string, leftoversIn: typeof staleTemporaries = staleTemporaries): string[] {
  return leftoversIn(dirname(path), undefined).filter((temporary) => TEMPORARY_NAME.exec(basename(temporary))?.[1] === basename(path));
}

/**
 * Decides what signing a CSR does; reads the store and the file at --out, changes
 * nothing. Only --out is looked at: a certificate the holder keeps elsewhere is
 * none of ours to judge, and stays valid.
 */
export function planSign(request: SignRequest, inputs: SignInputs): SignPlan {
  const valid = inputs.certificatesOf(request.user).filter((record) => record.status === 'valid' && record.notAfter > inputs.now);
  if (request.out === undefined) {
    return { ...request, destination: null, supersedes: [], stale: [], kept: valid.map((record) => record.serial), leftovers: [] };
  }
  const destination = request.out;
  const installed = readPlainFile(request.out)?.toString();
  const supersedes = valid.filter((record) => record.certificatePem === installed);
  const stale = valid.filter((record) => !supersedes.includes(record) && record.destination === destination && record.origin === 'csr');
  return {
    ...request,
    destination,
    supersedes: supersedes.map((record) => record.serial),
    stale: stale.map((record) => record.serial),
    kept: valid.filter((record) => !supersedes.includes(record) && !stale.includes(record)).map((record) => record.serial),
    leftovers: leftoversOf(request.out, inputs.leftoversIn),
  };
}

const outFile = (path: string, content: string): Plan => ({ changes: [{ kind: 'file', path, content, mode: 0o644 }] });

/**
 * Carries a sign plan out in an order a re-run can always finish: check --out,
 * clear what a killed run left (its temporary files, a certificate it recorded but
 * never wrote), sign (nothing is kept yet), then, without stopping for a signal,
 * record, write, and revoke the certificate --out held. A failed write revokes the
 * new certificate. Returns nothing in a dry run.
 */
export async function applySign(context: Context, store: CaStore, plan: SignPlan, csrPem: string): Promise<Issued | undefined> {
  if (plan.out !== undefined) applyPlan(outFile(plan.out, ''), { dryRun: true });
  await store.assertCanSign();
  if (context.dryRun) return undefined;
  removeTemporaries(plan.leftovers, undefined);
  if (plan.stale.length > 0) await store.revokeSerials(plan.stale, 'superseded');
  crashPoint('sign:cleared');
  const signed = await store.signCsr({
    csrPem,
    where: plan.csr,
    user: plan.user,
    groups: plan.groups,
    durationMs: plan.durationMs,
    destination: plan.destination ?? undefined,
  });
  crashPoint('sign:signed');
  return uninterrupted(async () => {
    const [issued] = await store.recordClients(signed);
    crashPoint('sign:recorded');
    if (plan.out !== undefined) {
      try {
        applyPlan(outFile(plan.out, issued!.certificatePem), { dryRun: false });
      } catch (error) {
        await store.revokeSerials([issued!.record.serial], 'cessationOfOperation');
        throw new OperationError(`failed to write the certificate to ${plan.out}: ${describeCause(error)}`, {
          cause: error,
          hint: 'the new certificate was revoked; fix the cause and run the command again',
        });
      }
      crashPoint('sign:written');
    }
    if (plan.supersedes.length > 0) await store.revokeSerials(plan.supersedes, 'superseded');
    return issued!;
  });
}
