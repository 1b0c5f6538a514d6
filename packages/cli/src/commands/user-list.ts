import { certificateState } from '@dockauth/ca';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { formatDate, openStore } from '../store-access.js';

/** Pads columns for a terminal table. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
}

/** Each user with their newest certificate. */
export async function userListCommand(context: Context, options: GlobalOptions): Promise<CommandResult> {
  const store = await openStore(context, options);
  try {
    const now = context.now();
    const newest = new Map<string, ReturnType<typeof store.list>[number]>();
    const counts = new Map<string, number>();
    for (const record of store.list({ profile: 'client' })) {
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
        certificates: counts.get(record.user as string) ?? 1,
      }));
    if (users.length === 0) {
      context.out.say(`no users yet in ${context.dir}; add one with: dockauth user add NAME`);
    } else {
      const rows = [['USER', 'STATUS', 'EXPIRES', 'GROUPS', 'SERIAL']];
      for (const user of users) rows.push([user.user, user.status, user.notAfter, user.groups.join(',') || '-', user.serial]);
      for (const line of table(rows)) context.out.say(line);
    }
    return { changed: false, users };
  } finally {
    store.close();
  }
}
