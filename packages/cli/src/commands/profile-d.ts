import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseOsRelease, profileLocations, renderCshProfile, renderShProfile } from '@dockauth/profile-d';
import { applyPlan } from '../apply/apply-plan.js';
import { missingDirectories } from '../apply/missing-directories.js';
import type { Change } from '../apply/plan.js';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { chooseDockerHost } from '../docker-host-choice.js';
import { openStore } from '../store-access.js';

export interface ProfileDOptions extends GlobalOptions {
  out?: string;
  dockerHost?: string;
  context?: boolean;
}

/** Writes the login snippets that point each certified user's docker CLI at the TLS daemon. */
export async function profileDCommand(context: Context, options: ProfileDOptions): Promise<CommandResult> {
  const store = await openStore(context, options);
  let dockerHost: string;
  try {
    dockerHost = await chooseDockerHost(context, store, options.dockerHost);
  } finally {
    await store.close();
  }
  const os = parseOsRelease(existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '');
  const locations = profileLocations(os, options.out === undefined ? undefined : resolve(options.out));
  const input = { dockerHost, useContext: options.context ?? false };
  const changes: Change[] = [];
  for (const dir of new Set([dirname(locations.sh), dirname(locations.csh)])) changes.push(...missingDirectories(dir, 0o755));
  changes.push({ kind: 'file', path: locations.sh, content: renderShProfile(input), mode: 0o644 });
  changes.push({ kind: 'file', path: locations.csh, content: renderCshProfile(input), mode: 0o644 });
  const result = applyPlan({ changes }, { dryRun: context.dryRun });
  const verb = context.dryRun ? 'would write' : result.changed ? 'wrote' : 'unchanged:';
  context.out.say(`${verb} ${locations.sh} (sh, bash, dash, ksh) and ${locations.csh} (csh, tcsh)`);
  context.out.say(`Users with ~/.docker/{ca,cert,key}.pem get ${options.context ? 'DOCKER_CONTEXT=dockauth' : `DOCKER_HOST=${dockerHost}, DOCKER_TLS_VERIFY=1, DOCKER_CERT_PATH=~/.docker`} at their next login.`);
  if (locations.zshNote) context.out.say(locations.zshNote);
  return { changed: result.changed, dryRun: context.dryRun, dockerHost, files: { sh: locations.sh, csh: locations.csh }, zsh: locations.zshNote ?? null };
}
