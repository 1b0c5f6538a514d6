import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { checkCa, checkCrl, checkExpiring } from '../doctor/ca-checks.js';
import { checkDaemonJson } from '../doctor/daemon-json-check.js';
import { checkDockerSocket } from '../doctor/docker-socket-check.js';
import type { Finding } from '../doctor/finding.js';
import { checkPlugin, checkPolicy, DEFAULT_PLUGIN_SOCKET } from '../doctor/plugin-check.js';
import { checkGateway } from '../doctor/gateway-check.js';
import { tcpAddress } from './gateway.js';
import { checkProfileD } from '../doctor/profile-d-check.js';
import { checkUsers } from '../doctor/user-files-check.js';
import { checkEngine } from './doctor-engine.js';

export type { Finding } from '../doctor/finding.js';

export interface DoctorOptions extends GlobalOptions {
  daemonJson: string;
  /** dockerd's local (root) socket. */
  socket: string;
  pluginSocket?: string;
  /** Default: DIR/policy.yaml. */
  policy?: string;
  dockerGroup?: string;
  /** The file system whose profile.d is checked (default "/"). */
  profileRoot?: string;
  /** Where the gateway answers, in the gateway layout. */
  gateway?: string;
}

/** dockerd's hosts from daemon.json, when it can be read (its own check reports when not). */
function daemonHosts(path: string): string[] | undefined {
  try {
    const hosts = (JSON.parse(readFileSync(path, 'utf8')) as { hosts?: unknown }).hosts;
    return Array.isArray(hosts) ? hosts.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** Every check, in the order a sysadmin would fix things; each finding carries its fix. */
async function runChecks(context: Context, options: DoctorOptions, findings: Finding[]): Promise<{ socketExists: boolean }> {
  const store = await checkCa(context, options, findings);
  let socketExists = false;
  try {
    if (store) {
      await checkExpiring(context, store, findings);
      await checkCrl(context, store, findings);
    }
    checkDaemonJson(context, options.daemonJson, store, findings);
    checkPolicy(options.policy ?? join(context.dir, 'policy.yaml'), findings);
    await checkPlugin(options.pluginSocket ?? DEFAULT_PLUGIN_SOCKET, findings);
    await checkGateway(context.dir, store, daemonHosts(options.daemonJson), tcpAddress(options.gateway ?? 'tcp://127.0.0.1:2376', '--gateway'), findings);
    checkProfileD({ root: options.profileRoot ?? '/' }, findings);
    if (store) await checkUsers(store, findings);
    socketExists = checkDockerSocket(options.socket, options.dockerGroup ?? 'docker', findings);
  } finally {
    store?.close();
  }
  return { socketExists };
}

/** Checks the whole setup; exit 1 when any error is found. */
export async function doctorCommand(context: Context, options: DoctorOptions): Promise<CommandResult> {
  const findings: Finding[] = [];
  const { socketExists } = await runChecks(context, options, findings);
  // The running engine's version, over the same socket: which known plugin bypasses it has.
  const engine = await checkEngine(options.socket, socketExists, findings);
  const mark = { ok: 'ok     ', warning: 'WARNING', error: 'ERROR  ' } as const;
  for (const finding of findings) {
    context.out.say(`${mark[finding.severity]} ${finding.message}`);
    if (finding.fix) context.out.say(`        fix: ${finding.fix}`);
  }
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.filter((finding) => finding.severity === 'warning').length;
  context.out.say(errors + warnings === 0 ? 'No problems found.' : `${errors} errors, ${warnings} warnings.`);
  return { changed: false, ok: errors === 0, errors, warnings, findings, ...(engine ? { engine } : {}) };
}
