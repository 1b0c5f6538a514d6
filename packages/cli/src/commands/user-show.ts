import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, validateLoginName } from '@dockauth/ca';
import type { CommandResult } from '../cli.js';
import { BUNDLE_FILES } from '../client-bundle.js';
import type { Context, GlobalOptions } from '../context.js';
import { openStore } from '../store-access.js';
import { lookupAccounts } from '../system/accounts.js';
import { describeRecord } from './describe.js';

/** What is installed in a user's ~/.docker: each file's mode and owner, or that it is missing. */
function installedFiles(home: string | undefined): Array<Record<string, unknown>> {
  if (!home) return [];
  return Object.values(BUNDLE_FILES).map((name) => {
    const path = join(home, '.docker', name);
    try {
      const stats = lstatSync(path);
      return { path, mode: `0${(stats.mode & 0o777).toString(8)}`, uid: stats.uid, symlink: stats.isSymbolicLink() };
    } catch {
      return { path, missing: true };
    }
  });
}

export async function userShowCommand(context: Context, options: GlobalOptions, args: unknown[]): Promise<CommandResult> {
  const user = validateLoginName(String(args[0]));
  const store = await openStore(context, options);
  try {
    const records = await store.certificatesOf(user);
    if (records.length === 0) {
      throw new InputError(`failed to show ${user}: no certificate was ever issued to ${user} in ${context.dir}`, {
        hint: `issue one with: dockauth user add ${user}`,
      });
    }
    const now = context.now();
    const certificates = records.map((record) => describeRecord(record, now));
    const files = installedFiles(lookupAccounts([user]).get(user)?.home);
    context.out.say(`user ${user}`);
    for (const certificate of certificates) {
      context.out.say(
        `  ${certificate.status}  serial ${certificate.serial}  ${certificate.notBefore} to ${certificate.notAfter}  groups ${(certificate.groups as string[]).join(',') || '-'}${certificate.revocationReason ? `  (${certificate.revocationReason})` : ''}`,
      );
    }
    for (const file of files) {
      context.out.say(file.missing ? `  ${file.path}: missing` : `  ${file.path}: mode ${file.mode}, uid ${file.uid}${file.symlink ? ', SYMLINK' : ''}`);
    }
    return { changed: false, user, certificates, files };
  } finally {
    await store.close();
  }
}
