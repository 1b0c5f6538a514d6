import { stdout } from '../stdio.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, validateGroupName } from '@dockauth/ca';
import { applyPlan } from '../apply/apply-plan.js';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { durationOption, formatDate, openStore } from '../store-access.js';

export interface SignOptions extends GlobalOptions {
  csr: string;
  user: string;
  group?: string[];
  days?: string;
  out?: string;
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
  if (out) applyPlan({ changes: [{ kind: 'file', path: out, content: '', mode: 0o644 }] }, { dryRun: true });
  const store = await openStore(context, options);
  try {
    await store.assertCanSign();
    if (context.dryRun) {
      // The plan: what is signed, recorded, written and revoked.
      const valid = store.certificatesOf(options.user).filter((record) => record.status === 'valid').map((record) => record.serial);
      context.out.say(`would sign the public key of ${options.csr} for ${options.user} (groups: ${groups.join(',') || '(none)'}); the private key stays with them`);
      context.out.say(`would record it in ${context.dir} and write it to ${out ?? 'stdout'}`);
      context.out.say(`would revoke nothing${valid.length > 0 ? ` (their valid certificates ${valid.join(', ')} stay valid)` : ''}`);
      return { changed: true, dryRun: true, user: options.user, groups, out: out ?? null, revokes: [] };
    }
    const issued = await store.signClientCsr({ csrPem, where: options.csr, user: options.user, groups, durationMs });
    if (out) {
      applyPlan({ changes: [{ kind: 'file', path: out, content: issued.certificatePem, mode: 0o644 }] }, { dryRun: false });
      context.out.say(`Signed ${options.user}'s CSR: certificate ${issued.record.serial} in ${out}, valid until ${formatDate(issued.record.notAfter)}.`);
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
    };
  } finally {
    store.close();
  }
}
