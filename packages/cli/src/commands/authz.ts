import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '@dockauth/ca';
import { renderPolicy } from '@dockauth/profile-d';
import policyTemplate from '../../../../templates/policy.yaml';
import { applyPlan } from '../apply/apply-plan.js';
import type { Change } from '../apply/plan.js';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { untilStopped } from '../interruption.js';
import { missingDirectories } from '../apply/missing-directories.js';

export const POLICY_FILE = 'policy.yaml';
export const DEFAULT_PLUGIN_SOCKET = '/run/docker/plugins/dockauth.sock';
export const DEFAULT_AUDIT_LOG = '/var/log/dockauth/audit.log';

/** The bundled policy, as `authz init` and the first `daemon configure` write it. */
export function defaultPolicyText(): string {
  return renderPolicy(policyTemplate);
}

/** The change that writes the default policy, unless one is there: an admin's edits are never replaced. */
export function defaultPolicyChange(dir: string, force = false): Change[] {
  const path = join(dir, POLICY_FILE);
  let exists = false;
  try {
    readFileSync(path);
    exists = true;
  } catch {
    exists = false;
  }
  return exists && !force ? [] : [{ kind: 'file', path, content: defaultPolicyText(), mode: 0o644, backup: true }];
}

export interface AuthzInitOptions extends GlobalOptions {
  force?: boolean;
}

export async function authzInitCommand(context: Context, options: AuthzInitOptions): Promise<CommandResult> {
  const path = join(context.dir, POLICY_FILE);
  const changes = [...missingDirectories(context.dir, 0o700), ...defaultPolicyChange(context.dir, options.force)];
  const result = applyPlan({ changes }, { dryRun: context.dryRun, now: context.now() });
  if (changes.length === 0) context.out.say(`${path} is already there; nothing changed (--force replaces it, keeping a backup).`);
  else context.out.say(`${context.dryRun ? 'would write' : 'wrote'} the default policy to ${path}; read it, then edit it for your site.`);
  return { changed: result.changed, dryRun: context.dryRun, policy: path };
}

export interface AuthzServeOptions extends GlobalOptions {
  socket: string;
  policy?: string;
  audit: string;
  auditStdout?: boolean;
  dockerSocket: string;
  auditFailure: string;
  owners?: string;
  gatewayCertificate?: string;
}

/** Ownership records belong to one dockerd: named after the plugin's socket, so two engines never share them. */
export function defaultOwnersPath(socket: string): string {
  return join('/var/lib/dockauth', `${basename(socket).replace(/\.sock$/, '')}.owners.jsonl`);
}

/** Runs the plugin until SIGTERM or SIGINT. */
export async function authzServeCommand(context: Context, options: AuthzServeOptions): Promise<CommandResult> {
  if (options.auditFailure !== 'deny' && options.auditFailure !== 'allow') {
    throw new InputError(`failed to read --audit-failure ${JSON.stringify(options.auditFailure)}: use deny or allow`);
  }
  const { startPlugin, listenFdFromEnvironment } = await import('@dockauth/authz');
  const plugin = await startPlugin({
    socket: resolve(options.socket),
    // Socket activation (dockauth-authz.socket): serve systemd's socket, never one of our own.
    inheritedFd: listenFdFromEnvironment(process.env, process.pid),
    stateDir: context.dir,
    policyPath: resolve(options.policy ?? join(context.dir, POLICY_FILE)),
    auditPath: options.audit === '-' || options.audit === 'none' ? undefined : resolve(options.audit),
    auditStdout: options.audit === '-' || Boolean(options.auditStdout),
    dockerSocket: options.dockerSocket,
    auditFailure: options.auditFailure,
    ownersPath: resolve(options.owners ?? defaultOwnersPath(options.socket)),
    gatewayCertificatePath: options.gatewayCertificate === undefined ? undefined : resolve(options.gatewayCertificate),
    log: (line) => process.stderr.write(`dockauth authz: ${line}\n`),
  });
  await untilStopped();
  await plugin.close();
  return { changed: false, stopped: true };
}

/** The user's newest client certificate in the inventory, as the plugin would judge it. */
async function certificateOf(context: Context, user: string): Promise<{ ok: true; groups: string[] } | { ok: false; reason: string }> {
  const { CaStore, certificateState } = await import('@dockauth/ca');
  let store: Awaited<ReturnType<typeof CaStore.open>>;
  try {
    store = await CaStore.open(context.dir, { readonly: true });
  } catch (error) {
    return { ok: false, reason: `the CA inventory in ${context.dir} cannot be read (${(error as Error).message})` };
  }
  try {
    const records = (await store.certificatesOf(user)).filter((record) => record.profile === 'client' && record.user === user);
    const valid = records.find((record) => certificateState(record, context.now()) === 'valid');
    if (valid) return { ok: true, groups: valid.groups };
    const newest = records.sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime())[0];
    if (!newest) return { ok: false, reason: `${user} has no certificate from this CA: dockauth user add ${user}` };
    return { ok: false, reason: `${user}'s certificate ${newest.serial} is ${certificateState(newest, context.now())}: dockauth user renew ${user} (or user add)` };
  } finally {
    await store.close();
  }
}

export interface AuthzCheckOptions extends GlobalOptions {
  user: string;
  policy?: string;
  request?: string;
  group?: string[];
  dockerSocket?: string;
}

/** Explains the decision for a docker command line (or a raw API request), without a daemon unless given one. */
export async function authzCheckCommand(context: Context, options: AuthzCheckOptions, args: unknown[]): Promise<CommandResult> {
  const authz = await import('@dockauth/authz');
  const policy = authz.loadPolicyFile(resolve(options.policy ?? join(context.dir, POLICY_FILE)));
  let request: { method: string; uri: string; body: Buffer | undefined };
  if (options.request !== undefined) {
    let raw: { method?: string; uri?: string; body?: unknown };
    try {
      raw = JSON.parse(readFileSync(options.request, 'utf8')) as typeof raw;
    } catch (error) {
      throw new InputError(`failed to read --request ${options.request}: ${(error as Error).message}`, { hint: 'give {"method": "POST", "uri": "/containers/create", "body": {...}}' });
    }
    const body = raw.body === undefined ? undefined : Buffer.from(typeof raw.body === 'string' ? raw.body : JSON.stringify(raw.body));
    request = { method: raw.method ?? 'GET', uri: raw.uri ?? '/', body };
  } else {
    const words = (args[0] as string[] | undefined) ?? [];
    if (words.length === 0) throw new InputError('nothing to check', { hint: 'dockauth authz check --user alice -- run --privileged alpine' });
    try {
      request = authz.requestFromDockerArgs(words);
    } catch (error) {
      throw new InputError(`failed to read the docker command: ${(error as Error).message}`);
    }
  }
  const unknown = async (): Promise<undefined> => undefined;
  const docker = options.dockerSocket
    ? new authz.DockerSocketLookup(options.dockerSocket)
    : { container: unknown, execContainer: unknown, image: unknown, volume: unknown, network: unknown, usernsRemapped: async () => false };
  // The same identity check the plugin makes: a user without a valid certificate is refused here too.
  const identity = await certificateOf(context, options.user);
  const decision = identity.ok
    ? await authz.evaluate(
        { user: options.user, method: request.method, uri: request.uri, body: request.body, headers: { 'Content-Type': 'application/json' } },
        options.group ?? identity.groups,
        { policy, accounts: new authz.SystemAccounts(), docker, paths: authz.realHostPaths },
      )
    : { allow: false, method: request.method, endpoint: request.uri.split('?')[0] as string, action: 'identity', message: identity.reason, rule: 'identity' };
  const message = decision.message.replace(/ \[dockauth [0-9a-f]+\]$/, '');
  context.out.say(`${decision.allow ? 'ALLOW' : 'DENY '} ${decision.method} ${decision.endpoint} (${decision.action}) for ${options.user}`);
  if (!decision.allow) context.out.say(`  ${message}`);
  context.out.say(`  decided by: ${decision.rule}`);
  if (!options.dockerSocket) context.out.say('  (no daemon consulted: container ownership and image tags were not looked up; pass --docker-socket to include them)');
  return { changed: false, ok: decision.allow, allow: decision.allow, action: decision.action, message, rule: decision.rule };
}
