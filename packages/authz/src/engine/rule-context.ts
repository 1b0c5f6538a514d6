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
