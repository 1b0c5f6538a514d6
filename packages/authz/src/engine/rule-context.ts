import type { EffectiveRules } from './policy.js';
import type { Account, DockerLookup, HostPaths } from './lookups.js';
import type { KnownOwners } from './known-owners.js';
import { containerOwnedBy } from './ownership.js';

export interface RuleContext {
  rules: EffectiveRules;
  account: Account;
  docker: DockerLookup;
  paths: HostPaths;
  /** Containers seen created, by full ID (the plugin server keeps them). */
  owners?: KnownOwners;
}

/** "" when the user owns the container, else what is wrong with it. */
export async function ownContainerProblem(reference: string, context: RuleContext, what: string): Promise<string> {
  const known = context.owners?.ownerOf(reference);
  if (known !== undefined) return known === context.account.name ? '' : `${what}: container "${reference}" is not yours`;
  const info = await context.docker.container(reference);
  if (!info) return `${what}: no container "${reference}"`;
  if (!containerOwnedBy(info, context.account)) return `${what}: container "${reference}" is not yours`;
  return '';
}

/** Whether a -u value is the account itself: its numeric uid, with one of its gids if a group is given. */
export function isOwnUser(userSpec: string, account: Account): boolean {
  const match = /^(\d+)(?::(\d+))?$/.exec(userSpec);
  return match !== null && Number(match[1]) === account.uid && (match[2] === undefined || account.gids.includes(Number(match[2])));
}

/**
 * `run_as: any` lets users be anyone inside their containers, root included. That is safe
 * only where dockerd runs with userns-remap (root inside is an unprivileged id outside);
 * on any other daemon, root in a container with the home mounted is root on the host. So
 * when a request relies on it (a user other than the requester's own uid), the daemon must
 * really be remapped. "" when fine, else what to do.
 */
export async function remapProblem(userSpec: string, context: RuleContext, flag: string): Promise<string> {
  const { account, rules } = context;
  if (rules.runAs !== 'any' || isOwnUser(userSpec, account)) return '';
  if (await context.docker.usernsRemapped()) return '';
  return `${flag}: the policy lets you run as any user only on a dockerd with userns-remap, and this one runs without it: run as yourself with -u ${account.uid}:${account.gid} (and tell your administrator)`;
}
