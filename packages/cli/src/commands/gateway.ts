import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '@dockauth/ca';
import { parseListenUrl } from '@dockauth/profile-d';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { untilStopped } from '../interruption.js';
import { onboardUsers, reportOutcomes } from '../onboarding.js';
import { daysOption, openStore } from '../store-access.js';
import { POLICY_FILE } from './authz.js';

/** The name in the gateway's certificate: a login name no account should have, shown as such in `user list`. */
export const GATEWAY_NAME = 'dockauth-gateway';
/** Where users connect in the gateway layout, and where dockerd's own TLS listener moves. */
export const GATEWAY_LISTEN = 'tcp://0.0.0.0:2376';
export const GATEWAY_UPSTREAM = 'tcp://127.0.0.1:2377';

export interface GatewayIssueOptions extends GlobalOptions {
  within?: string;
}

/** The gateway's client certificate, issued like a user's into DIR/dockauth-gateway/ (root's, key 0600). */
export async function gatewayIssueCommand(context: Context, options: GatewayIssueOptions): Promise<CommandResult> {
  const withinDays = daysOption(options.within ?? '30', '--within');
  const store = await openStore(context, options);
  try {
    const outcomes = await onboardUsers(context, store, [{ user: GATEWAY_NAME, groups: [] }], { out: context.dir, withinDays });
    reportOutcomes(context, outcomes);
    const certificate = join(context.dir, GATEWAY_NAME, 'cert.pem');
    context.out.say(`the plugin trusts it with: dockauth authz serve --gateway-certificate ${certificate}`);
    return { changed: outcomes.some((outcome) => outcome.changed), dryRun: context.dryRun, certificate, outcomes };
  } finally {
    store.close();
  }
}

export interface GatewayServeOptions extends GlobalOptions {
  listen: string;
  upstream: string;
  tlsDir: string;
  clientDir?: string;
  policy?: string;
  audit: string;
  auditStdout?: boolean;
  auditFailure: string;
  dockerSocket: string;
  pluginOwners: string;
}

/** tcp://HOST:PORT as host and port; a clear error naming the option otherwise. */
export function tcpAddress(value: string, option: string): { host: string; port: number } {
  const parsed = parseListenUrl(value);
  if (typeof parsed === 'string') throw new InputError(`failed to read ${option} ${JSON.stringify(value)}: not tcp://HOST:PORT (${parsed})`, { hint: `e.g. ${option} tcp://127.0.0.1:2377` });
  return parsed;
}

function readTls(dir: string, names: [string, string, string], option: string): { ca: string; cert: string; key: string } {
  const [ca, cert, key] = names.map((name) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch (error) {
      throw new InputError(`failed to read ${join(dir, name)} (${option}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        hint: option === '--client-dir' ? 'issue it with: dockauth gateway issue' : 'issue it with: dockauth server issue',
      });
    }
  }) as [string, string, string];
  return { ca, cert, key };
}

/** Runs the gateway until SIGTERM or SIGINT. */
export async function gatewayServeCommand(context: Context, options: GatewayServeOptions): Promise<CommandResult> {
  if (options.auditFailure !== 'deny' && options.auditFailure !== 'allow') {
    throw new InputError(`failed to read --audit-failure ${JSON.stringify(options.auditFailure)}: use deny or allow`);
  }
  const listen = tcpAddress(options.listen, '--listen');
  const upstream = tcpAddress(options.upstream, '--upstream');
  const serverTls = readTls(resolve(options.tlsDir), ['ca.pem', 'server-cert.pem', 'server-key.pem'], '--tls-dir');
  const clientDir = resolve(options.clientDir ?? join(context.dir, GATEWAY_NAME));
  const clientTls = readTls(clientDir, ['ca.pem', 'cert.pem', 'key.pem'], '--client-dir');
  const { startGateway } = await import('@dockauth/authz');
  const gateway = await startGateway({
    ...listen,
    serverTls,
    upstream: { ...upstream, tls: clientTls, paths: { ca: join(clientDir, 'ca.pem'), cert: join(clientDir, 'cert.pem'), key: join(clientDir, 'key.pem') } },
    stateDir: context.dir,
    policyPath: resolve(options.policy ?? join(context.dir, POLICY_FILE)),
    auditPath: options.audit === '-' || options.audit === 'none' ? undefined : resolve(options.audit),
    auditStdout: options.audit === '-' || Boolean(options.auditStdout),
    auditFailure: options.auditFailure,
    dockerSocket: options.dockerSocket,
    pluginOwners: resolve(options.pluginOwners),
    log: (line) => process.stderr.write(`dockauth gateway: ${line}\n`),
  });
  await untilStopped();
  await gateway.close();
  return { changed: false, stopped: true };
}
