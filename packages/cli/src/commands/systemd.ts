import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isSea } from 'node:sea';
import { GATEWAY_SERVICE, gatewayServiceUnit, AUTHZ_SERVICE, AUTHZ_SOCKET, RENEW_SERVICE, RENEW_TIMER, authzServiceUnit, authzSocketUnit, renewServiceUnit, renewTimerUnit } from '@dockauth/profile-d';
import { readPassphrase } from '../store-access.js';
import { InputError } from '@dockauth/ca';
import { applyPlan } from '../apply/apply-plan.js';
import { missingDirectories } from '../apply/missing-directories.js';
import type { Change } from '../apply/plan.js';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { daysOption } from '../store-access.js';
import { GATEWAY_LISTEN, GATEWAY_NAME, GATEWAY_UPSTREAM, tcpAddress } from './gateway.js';

export interface SystemdOptions extends GlobalOptions {
  out: string;
  exec?: string;
  within?: string;
  restartDockerd?: boolean;
  daemonJson?: string;
  gateway?: boolean;
  listen?: string;
  upstream?: string;
}

/**
 * How units should start this very dockauth (unless --exec): the installed executable itself
 * (/usr/bin/dockauth from the package), or from a checkout node and the script's real path.
 */
export function defaultExec(runningAsExecutable = isSea()): string {
  if (runningAsExecutable) return process.execPath;
  const script = process.argv[1];
  return script ? `${process.execPath} ${realpathSync(script)}` : process.execPath;
}

export async function systemdCommand(context: Context, options: SystemdOptions): Promise<CommandResult> {
  const exec = options.exec ?? defaultExec();
  if (!exec.startsWith('/')) throw new InputError(`failed to accept --exec ${JSON.stringify(exec)}: systemd needs an absolute path`);
  const withinDays = daysOption(options.within ?? '30', '--within');
  const out = resolve(options.out);
  const input = { exec, dir: context.dir };
  // The passphrase file is checked now (root-only, not empty), not on the first night the timer runs.
  const passphraseFile = options.caPassphraseFile === undefined ? undefined : resolve(options.caPassphraseFile);
  if (passphraseFile !== undefined) readPassphrase({ caPassphraseFile: passphraseFile });
  const gateway = options.gateway === true;
  if (gateway) {
    tcpAddress(options.listen ?? GATEWAY_LISTEN, '--listen');
    tcpAddress(options.upstream ?? GATEWAY_UPSTREAM, '--upstream');
  }
  const units: Array<[string, string]> = [
    [AUTHZ_SOCKET, authzSocketUnit()],
    [AUTHZ_SERVICE, authzServiceUnit({ ...input, gatewayCertificate: gateway ? join(context.dir, GATEWAY_NAME, 'cert.pem') : undefined })],
    [RENEW_SERVICE, renewServiceUnit({ ...input, withinDays, restartDockerd: options.restartDockerd ?? false, passphraseFile, daemonJson: options.daemonJson && resolve(options.daemonJson), gateway })],
    [RENEW_TIMER, renewTimerUnit()],
    ...(gateway ? [[GATEWAY_SERVICE, gatewayServiceUnit({ ...input, listen: options.listen ?? GATEWAY_LISTEN, upstream: options.upstream ?? GATEWAY_UPSTREAM })] as [string, string]] : []),
  ];
  const changes: Change[] = missingDirectories(out, 0o755);
  for (const [name, text] of units) changes.push({ kind: 'file', path: join(out, name), content: text, mode: 0o644 });
  const result = applyPlan({ changes }, { dryRun: context.dryRun });
  const verb = context.dryRun ? 'would write' : result.changed ? 'wrote' : 'unchanged:';
  for (const [name] of units) context.out.say(`${verb} ${join(out, name)}`);
  if (result.changed && !context.dryRun) {
    context.out.say(`Next: systemctl daemon-reload && systemctl enable --now ${AUTHZ_SOCKET} ${AUTHZ_SERVICE} ${RENEW_TIMER}${gateway ? ` ${GATEWAY_SERVICE}` : ''}`);
  }
  return { changed: result.changed, dryRun: context.dryRun, units: units.map(([name]) => join(out, name)), exec };
}
