import { parseRevocationReason, validateLoginName } from '@dockauth/ca';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { openStore } from '../store-access.js';

export interface UserRevokeOptions extends GlobalOptions {
  reason?: string;
}

/** Revokes every valid certificate of the named users and publishes the CRL. */
export async function userRevokeCommand(context: Context, options: UserRevokeOptions, args: unknown[]): Promise<CommandResult> {
  const names = ((args[0] as string[] | undefined) ?? []).map((name) => validateLoginName(name));
  const reason = parseRevocationReason(options.reason ?? 'unspecified');
  const store = await openStore(context, options);
  try {
    const serials = names.flatMap((user) =>
      store.certificatesOf(user).filter((record) => record.status === 'valid').map((record) => record.serial),
    );
    const unknown = names.filter((user) => store.certificatesOf(user).length === 0);
    for (const user of unknown) context.out.warn(`${user} has no certificate in ${context.dir}`);
    if (context.dryRun) {
      context.out.say(serials.length ? `would revoke ${serials.join(', ')} (${reason})` : 'nothing to revoke');
      return { changed: serials.length > 0, dryRun: true, revoked: serials, unknown };
    }
    const { revoked } = await store.revokeSerials(serials, reason);
    for (const record of revoked) context.out.say(`${record.user}: revoked certificate ${record.serial} (${reason})`);
    if (revoked.length === 0) context.out.say('nothing to revoke: no valid certificate left for these users');
    else context.out.say('The plugin refuses these certificates from now on; the CRL is in ' + `${context.dir}/crl.pem`);
    return { changed: revoked.length > 0, revoked: revoked.map((record) => ({ user: record.user, serial: record.serial, reason })), unknown };
  } finally {
    store.close();
  }
}
