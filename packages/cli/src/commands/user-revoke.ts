import { parseRevocationReason, validateLoginName, type CertificateRecord } from '@dockauth/ca';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { appendFileSync, existsSync } from 'node:fs';
import { openStore } from '../store-access.js';
import { lookupAccounts } from '../system/accounts.js';
import { stopContainersOf, type StoppedContainers } from '../system/stop-containers.js';

export interface UserRevokeOptions extends GlobalOptions {
  reason?: string;
  /** dockerd's root socket, to stop the users' containers; "none" leaves them running. */
  dockerSocket?: string;
  /** The plugin's audit log, where the revocation and what it stopped are recorded (if the file exists). */
  audit?: string;
}

/**
 * A revoked user's containers keep running, and dockerd restarts those with a restart
 * policy on its own: each is stopped and its restart policy turned off. Returns what was
 * done, or throws a run-time error that says the revocation itself stands.
 */
export async function endRunningWork(context: Context, users: string[], options: UserRevokeOptions): Promise<Record<string, StoppedContainers>> {
  const fromEnvironment = /^unix:\/\/(\/.+)$/.exec(process.env.DOCKER_HOST ?? '')?.[1];
  const socket = options.dockerSocket ?? fromEnvironment ?? '/var/run/docker.sock';
  const done: Record<string, StoppedContainers> = {};
  if (socket === 'none') return done;
  if (!existsSync(socket)) {
    context.out.warn(`dockerd's socket ${socket} is not there, so no container was stopped: on each docker host, stop ${users.join(', ')}'s containers (--docker-socket PATH)`);
    return done;
  }
  const accounts = lookupAccounts(users);
  for (const user of users) {
    try {
      done[user] = await stopContainersOf(user, accounts.get(user)?.uid ?? -1, socket);
    } catch (error) {
      throw Object.assign(new Error(`revoked ${user}'s certificates, but failed to stop their containers: ${(error as Error).message}`), { exitCode: 1 as const, hint: `stop them by hand: docker ps -a --filter label=dockauth.owner=${user}` });
    }
    const { stopped, unrestarted } = done[user] as StoppedContainers;
    if (stopped.length > 0) context.out.say(`${user}: stopped ${stopped.join(', ')}`);
    if (unrestarted.length > 0) context.out.say(`${user}: restart policy turned off for ${unrestarted.join(', ')}`);
  }
  return done;
}

/** One record per user in the plugin's audit log (when the file exists): what the administrator did. */
export function auditAdminAction(context: Context, audit: string | undefined, action: string, users: string[], details: (user: string) => Record<string, unknown>): void {
  const path = audit ?? '/var/log/dockauth/audit.log';
  if (!existsSync(path)) return;
  for (const user of users) {
    appendFileSync(path, `${JSON.stringify({ time: context.now().toISOString(), user, action, decision: 'admin', ...details(user) })}\n`);
  }
}

/** Revokes every valid certificate of the named users and publishes the CRL. */
export async function userRevokeCommand(context: Context, options: UserRevokeOptions, args: unknown[]): Promise<CommandResult> {
  const names = ((args[0] as string[] | undefined) ?? []).map((name) => validateLoginName(name));
  const reason = parseRevocationReason(options.reason ?? 'unspecified');
  const store = await openStore(context, options);
  try {
    const known = new Map<string, CertificateRecord[]>();
    for (const user of names) known.set(user, await store.certificatesOf(user));
    const serials = names.flatMap((user) =>
      (known.get(user) ?? []).filter((record) => record.status === 'valid').map((record) => record.serial),
    );
    const unknown = names.filter((user) => (known.get(user) ?? []).length === 0);
    for (const user of unknown) context.out.warn(`${user} has no certificate in ${context.dir}`);
    if (context.dryRun) {
      context.out.say(serials.length ? `would revoke ${serials.join(', ')} (${reason})` : 'nothing to revoke');
      return { changed: serials.length > 0, dryRun: true, revoked: serials, unknown };
    }
    const { revoked } = await store.revokeSerials(serials, reason);
    const containers = await endRunningWork(context, names.filter((user) => !unknown.includes(user)), options);
    auditAdminAction(context, options.audit, 'user.revoke', names, (user) => ({ serials: revoked.filter((record) => record.user === user).map((record) => record.serial), reason, ...containers[user] }));
    for (const record of revoked) context.out.say(`${record.user}: revoked certificate ${record.serial} (${reason})`);
    if (revoked.length === 0) context.out.say('nothing to revoke: no valid certificate left for these users');
    else context.out.say('The plugin refuses these certificates from now on; the CRL is in ' + `${context.dir}/crl.pem`);
    const stopped = Object.values(containers).some((done) => done.stopped.length + done.unrestarted.length > 0);
    return { changed: revoked.length > 0 || stopped, revoked: revoked.map((record) => ({ user: record.user, serial: record.serial, reason })), unknown, containers };
  } finally {
    await store.close();
  }
}
