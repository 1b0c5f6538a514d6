import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { InputError, validateLoginName } from '@dockauth/ca';
import { allocateSubids, parseLoginDefs, subidLimits } from '@dockauth/profile-d';
import { applyPlan } from '../apply/apply-plan.js';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { lookupAccounts } from '../system/accounts.js';

export interface SubidAddOptions extends GlobalOptions {
  count?: string;
  subuid: string;
  subgid: string;
  loginDefs: string;
}

const readOrEmpty = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
const modeOf = (path: string): number => (existsSync(path) ? lstatSync(path).mode & 0o7777 : 0o644);

/** The largest id a 32-bit uid_t holds; no range can be wider. */
const MAX_IDS = 4_294_967_295;

/** --count: a whole number of ids, at least 1 (login.defs' limits bound it further). */
export function parseCount(value: string): number {
  const count = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!(count >= 1 && count <= MAX_IDS)) {
    throw new InputError(`failed to read --count: ${JSON.stringify(value)} is not a number of ids (a whole number from 1 to ${MAX_IDS})`, {
      hint: 'for example --count 65536',
    });
  }
  return count;
}

function requireAccountForSubids(name: string): { uid: number } {
  const account = lookupAccounts([name]).get(name);
  if (!account) {
    throw new InputError(`failed to add subordinate ids for ${JSON.stringify(name)}: no such account (getent passwd ${name}); nothing was written`, {
      hint: `create the account first: useradd --system ${name} && dockauth subid add ${name}`,
    });
  }
  return account;
}

/** Allocates a subordinate uid/gid range for userns-remap or rootless use; a name that has one keeps it. */
export async function subidAddCommand(context: Context, options: SubidAddOptions, args: unknown[]): Promise<CommandResult> {
  const name = validateLoginName(String(args[0]));
  const count = options.count === undefined ? undefined : parseCount(options.count);
  // Ranges for a name nobody has would be taken by whoever gets that name later.
  const { uid } = requireAccountForSubids(name);
  const defs = parseLoginDefs(readOrEmpty(options.loginDefs));
  const allocation = allocateSubids({
    owner: name,
    uid,
    count,
    subuid: { text: readOrEmpty(options.subuid), where: options.subuid, limits: subidLimits(defs, 'UID') },
    subgid: { text: readOrEmpty(options.subgid), where: options.subgid, limits: subidLimits(defs, 'GID') },
  });
  const result = applyPlan(
    {
      changes: [
        { kind: 'file', path: options.subuid, content: allocation.subuidText, mode: modeOf(options.subuid) },
        { kind: 'file', path: options.subgid, content: allocation.subgidText, mode: modeOf(options.subgid) },
      ],
    },
    { dryRun: context.dryRun },
  );
  const describe = (what: string, range: { start: number; count: number; existing: boolean }): string =>
    `${what} ${range.start}-${range.start + range.count - 1} (${range.count} ids)${range.existing ? ', already there' : ''}`;
  context.out.say(`${name}: ${describe(options.subuid, allocation.subuid)}; ${describe(options.subgid, allocation.subgid)}`);
  return { changed: result.changed, dryRun: context.dryRun, name, subuid: allocation.subuid, subgid: allocation.subgid };
}
