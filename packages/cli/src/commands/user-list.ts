import { certificateState, type CertificateRecord } from '@dockauth/ca';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { daysOption, formatDate, openStore } from '../store-access.js';

export interface UserListOptions extends GlobalOptions {
  within?: string;
}

const DAY = 86_400_000;

/** Pads columns for a terminal table. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
}

/** Each user with their newest certificate. */
export async function userListCommand(context: Context, options: UserListOptions): Promise<CommandResult> {
  const withinDays = daysOption(options.within ?? '30', '--within');
  const store = await openStore(context, options);
  try {
    const now = context.now();
    const newest = new Map<string, CertificateRecord>();
    const counts = new Map<string, number>();
    for (const record of await store.list({ profile: 'client' })) {
      const user = record.user as string;
      counts.set(user, (counts.get(user) ?? 0) + 1);
      const seen = newest.get(user);
      if (!seen || record.issuedAt >= seen.issuedAt) newest.set(user, record);
    }
    const users = [...newest.values()]
      .sort((a, b) => (a.user as string).localeCompare(b.user as string))
      .map((record) => ({
        user: record.user as string,
        serial: record.serial,
        groups: record.groups,
        notAfter: formatDate(record.notAfter),
        status: certificateState(record, now),
        /** Valid, and ends within --within days: renew it (the timer will, if it runs). */
        expiresSoon: certificateState(record, now) === 'valid' && record.notAfter.getTime() - now.getTime() <= withinDays * DAY,
        daysLeft: Math.floor((record.notAfter.getTime() - now.getTime()) / DAY),
        certificates: counts.get(record.user as string) ?? 1,
      }));
    if (users.length === 0) {
      context.out.say(`no users yet in ${context.dir}; add one with: dockauth user add NAME`);
    } else {
      const rows = [['USER', 'STATUS', 'EXPIRES', 'GROUPS', 'SERIAL']];
      for (const user of users) {
        const status = user.expiresSoon ? `${user.status}, expires in ${user.daysLeft} days` : user.status;
        rows.push([user.user, status, user.notAfter, user.groups.join(',') || '-', user.serial]);
      }
      for (const line of table(rows)) context.out.say(line);
      const soon = users.filter((user) => user.expiresSoon).length;
      if (soon > 0) context.out.say(`${soon} certificate(s) expire within ${withinDays} days: dockauth user renew --all --within ${withinDays}`);
    }
    return { changed: false, users, expiringSoon: users.filter((user) => user.expiresSoon).map((user) => user.user) };
  } finally {
    await store.close();
  }
}
