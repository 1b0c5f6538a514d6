import type { EffectiveRules } from './policy.js';
import type { Account, DockerLookup, HostPaths } from './lookups.js';
import { OWNER_LABEL } from './lookups.js';
import type { OwnerRecords } from './owner-records.js';
import { containerOwnedBy } from './ownership.js';

export interface RuleContext {
  rules: EffectiveRules;
  account: Account;
  docker: DockerLookup;
  paths: HostPaths;
  /** Who made what, learnt from dockerd's answers (the plugin server keeps them). */
  records?: OwnerRecords;
}

/** "" when the user owns the container, else what is wrong with it. */
export async function ownContainerProblem(reference: string, context: RuleContext, what: string): Promise<string> {
  const known = context.records?.ownerOf('container', reference);
  if (known !== undefined) return known === context.account.name ? '' : `${what}: container "${reference}" is not yours`;
  const info = await context.docker.container(reference);
  if (!info) return `${what}: no container "${reference}"`;
  const recorded = context.records?.ownerOf('container', info.id);
  if (recorded !== undefined ? recorded !== context.account.name : !containerOwnedBy(info, context.account)) return `${what}: container "${reference}" is not yours`;
  return '';
}

/**
 * "" when the named volume is the user's (recorded as made by them, or labelled so) or
 * does not exist yet (dockerd makes it, and it is recorded as theirs); else the problem.
 */
export async function ownVolumeProblem(name: string, context: RuleContext, what: string): Promise<string> {
  const recorded = context.records?.ownerOf('volume', name);
  if (recorded !== undefined) return recorded === context.account.name ? '' : `${what}: volume ${name} is not yours`;
  const volume = await context.docker.volume(name);
  if (!volume) return '';
  if (volume.labels[OWNER_LABEL] === context.account.name) return '';
  return `${what}: volume ${name} is not yours (it was not made by you${volume.labels[OWNER_LABEL] ? '' : ', and is not labelled ' + OWNER_LABEL + '=' + context.account.name})`;
}

/** "" when the user may use the network: one they made, or one the policy shares; else the problem. */
export async function ownNetworkProblem(reference: string, context: RuleContext, what: string): Promise<string> {
  if (context.rules.networks.has(reference)) return '';
  const info = await context.docker.network(reference);
  if (!info) return `${what}: no network "${reference}"`;
  if (context.rules.networks.has(info.name)) return '';
  const recorded = context.records?.ownerOf('network', info.id);
  const owner = recorded ?? info.labels[OWNER_LABEL];
  return owner === context.account.name ? '' : `${what}: network "${reference}" is not yours`;
}

/** Whether a -u value is exactly the account: its numeric uid and one of its gids, both given. */
export function isOwnUser(userSpec: string, account: Account): boolean {
  const match = /^(\d+):(\d+)$/.exec(userSpec);
  return match !== null && Number(match[1]) === account.uid && account.gids.includes(Number(match[2]));
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

/**
 * Who a process in the container runs as (create's User, exec's User): the user's own
 * numeric uid *and* gid. A name, or a uid without a gid, is resolved in the image's own
 * /etc/passwd and /etc/group, which pick the gid and the supplementary groups (gid 0,
 * or a crafted image's docker group). "" when fine, else what to do.
 */
export async function runAsProblem(userSpec: string, context: RuleContext, flag: string, allowEmpty: boolean): Promise<string> {
  const { account, rules } = context;
  const own = `${account.uid}:${account.gid}`;
  if (rules.runAs === 'any') return remapProblem(userSpec, context, flag);
  if (userSpec === '') return allowEmpty ? '' : `run as yourself: add -u ${own}`;
  const match = /^(\d+):(\d+)$/.exec(userSpec);
  if (!match) return `${flag}: give your numeric uid and gid, -u ${own} (a name or a lone uid takes its groups from the image)`;
  if (Number(match[1]) !== account.uid) return `${flag} is not you: run as yourself with -u ${own}`;
  if (!account.gids.includes(Number(match[2]))) return `${flag}: gid ${match[2]} is not one of your groups (use -u ${own})`;
  return '';
}
