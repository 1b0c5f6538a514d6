import { validateLoginName, type CertificateRecord } from '@dockauth/ca';
import { applyPlan } from '../apply/apply-plan.js';
import type { Plan } from '../apply/plan.js';
import { renderPlan } from '../apply/render-plan.js';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { planHomeRemoval, type HomeRemoval } from '../offboarding/home-removal.js';
import { openStore } from '../store-access.js';
import { lookupAccounts } from '../system/accounts.js';
import { auditAdminAction, endRunningWork } from './user-revoke.js';

export interface UserRemoveOptions extends GlobalOptions {
  dockerSocket?: string;
  audit?: string;
}

/**
 * Offboarding: revokes the users' certificates (cessationOfOperation), takes away the files
 * dockauth installed in their homes (only those, checked by content; the rest is listed), and
 * stops their containers. Planned first; --dry-run shows the plan and changes nothing.
 */
export async function userRemoveCommand(context: Context, options: UserRemoveOptions, args: unknown[]): Promise<CommandResult> {
  const names = [...new Set(((args[0] as string[] | undefined) ?? []).map((name) => validateLoginName(name)))];
  const store = await openStore(context, options);
  try {
    const accounts = lookupAccounts(names);
    const caPem = store.caCertificatePem;
    const homes = new Map<string, HomeRemoval>();
    const known = new Map<string, CertificateRecord[]>();
    for (const user of names) known.set(user, await store.certificatesOf(user));
    const certificatesOf = (user: string): CertificateRecord[] => known.get(user) ?? [];
    for (const user of names) {
      const account = accounts.get(user);
      if (account && account.uid !== 0) homes.set(user, planHomeRemoval(account, certificatesOf(user), caPem));
    }
    const serials = names.flatMap((user) => certificatesOf(user).filter((record) => record.status === 'valid').map((record) => record.serial));
    const unknown = names.filter((user) => certificatesOf(user).length === 0 && !accounts.get(user));
    for (const user of unknown) context.out.warn(`${user} has no certificate in ${context.dir} and no account here`);
    const plan: Plan = { changes: [...homes.values()].flatMap((home) => home.changes) };
    const preview = applyPlan(plan, { dryRun: true });
    const report = (user: string): Record<string, unknown> => ({
      user,
      serials: certificatesOf(user).filter((record) => serials.includes(record.serial)).map((record) => record.serial),
      removed: (homes.get(user)?.changes ?? []).map((change) => change.path).filter((path) => preview.outcomes.some((outcome) => outcome.path === path && outcome.action === 'remove')),
      left: homes.get(user)?.left ?? [],
    });
    if (context.dryRun) {
      if (serials.length > 0) context.out.say(`would revoke ${serials.join(', ')} (cessationOfOperation)`);
      for (const line of renderPlan(plan, preview)) context.out.say(line);
      context.out.say(`would stop the containers of ${names.filter((user) => !unknown.includes(user)).join(', ') || 'nobody'}`);
      return { changed: serials.length > 0 || preview.changed, dryRun: true, users: names.map(report), unknown };
    }
    const { revoked } = serials.length > 0 ? await store.revokeSerials(serials, 'cessationOfOperation') : { revoked: [] };
    const result = applyPlan(plan, { dryRun: false, now: context.now() });
    const users = names.map(report);
    const containers = await endRunningWork(context, names.filter((user) => !unknown.includes(user)), options);
    auditAdminAction(context, options.audit, 'user.remove', names, (user) => ({ serials: revoked.filter((record) => record.user === user).map((record) => record.serial), reason: 'cessationOfOperation', ...containers[user] }));
    for (const entry of users) {
      const user = entry.user as string;
      const removed = entry.removed as string[];
      context.out.say(`${user}: revoked ${(entry.serials as string[]).join(', ') || 'nothing (no valid certificate)'}; removed ${removed.join(', ') || 'no file'}`);
      for (const left of entry.left as HomeRemoval['left']) context.out.say(`  left ${left.path}: ${left.why}`);
    }
    const stopped = Object.values(containers).some((done) => done.stopped.length + done.unrestarted.length > 0);
    if (revoked.length > 0) context.out.say(`The plugin refuses their certificates from now on; the CRL is in ${context.dir}/crl.pem`);
    return { changed: revoked.length > 0 || result.changed || stopped, users: users.map((entry, index) => ({ ...entry, containers: containers[names[index] as string] ?? null })), unknown };
  } finally {
    await store.close();
  }
}
