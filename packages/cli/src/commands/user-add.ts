import { readFileSync } from 'node:fs';
import { InputError, parseKeyType, validateGroupName, validateLoginName } from '@dockauth/ca';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { onboardUsers, reportOutcomes, type UserRequest } from '../onboarding.js';
import { chooseDockerHost } from '../docker-host-choice.js';
import { daysOption, durationOption, openStore } from '../store-access.js';

export interface UserAddOptions extends GlobalOptions {
  group?: string[];
  days?: string;
  keyType?: string;
  out?: string;
  from?: string;
  within?: string;
  context?: boolean;
  dockerHost?: string;
}

/** Reads a --from file: one user per line, "NAME [GROUP...]", "#" comments, blank lines ignored. */
export function parseUserList(text: string, where: string): UserRequest[] {
  const requests: UserRequest[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const [user, ...groups] = line.split(/[\s,]+/);
    const at = `${where} line ${index + 1}`;
    requests.push({
      user: validateLoginName(user as string, `user name at ${at}`),
      groups: groups.map((group) => validateGroupName(group, `group name at ${at}`)),
    });
  });
  return requests;
}

/**
 * The users a command names, from arguments and --from, each once. A user's groups
 * are those of --group and their --from line; with neither, undefined: the groups
 * their certificate already has are kept.
 */
export function collectUsers(names: readonly string[], options: { from?: string; group?: string[] }): UserRequest[] {
  const common = options.group?.map((group) => validateGroupName(group, '--group'));
  const requests: UserRequest[] = names.map((name) => ({ user: validateLoginName(name), groups: common && [...common] }));
  if (options.from !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.from, 'utf8');
    } catch (error) {
      throw new InputError(`failed to read --from ${options.from}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    for (const request of parseUserList(text, options.from)) {
      const groups = [...new Set([...(request.groups ?? []), ...(common ?? [])])];
      requests.push({ user: request.user, groups: request.groups?.length || common ? groups : undefined });
    }
  }
  const seen = new Set<string>();
  for (const request of requests) {
    if (seen.has(request.user)) {
      throw new InputError(`failed to read the user list: ${request.user} appears twice`, { hint: 'name each user once' });
    }
    seen.add(request.user);
  }
  return requests;
}

export async function userAddCommand(context: Context, options: UserAddOptions, args: unknown[]): Promise<CommandResult> {
  const requests = collectUsers((args[0] as string[] | undefined) ?? [], options);
  if (requests.length === 0) {
    throw new InputError('no users to add', { hint: 'name them (dockauth user add alice bob) or pass --from FILE' });
  }
  const keyType = options.keyType === undefined ? undefined : parseKeyType(options.keyType);
  const durationMs = durationOption(options.days);
  const withinDays = daysOption(options.within ?? '30', '--within');
  const store = await openStore(context, options);
  try {
    const contextHost = options.context ? await chooseDockerHost(context, store, options.dockerHost) : undefined;
    const outcomes = await onboardUsers(context, store, requests, { out: options.out, withinDays, durationMs, keyType, contextHost });
    reportOutcomes(context, outcomes);
    const changed = outcomes.some((outcome) => outcome.changed);
    if (changed && !context.dryRun && options.out === undefined) {
      context.out.say('Next: users log in again (or source /etc/profile.d/dockauth.sh); see dockauth profile-d');
    }
    return { changed, dryRun: context.dryRun, users: outcomes };
  } finally {
    await store.close();
  }
}
