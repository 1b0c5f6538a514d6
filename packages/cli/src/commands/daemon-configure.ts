import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError, expectObject, parseJsonDocument } from '@dockauth/ca';
import {
  checkListenUrl,
  dockerServiceDropin,
  effectiveExecStart,
  isLoopbackHost,
  mergeDaemonConfig,
  renderDaemonConfig,
} from '@dockauth/profile-d';
import { applyPlan } from '../apply/apply-plan.js';
import { missingDirectories } from '../apply/missing-directories.js';
import type { Change } from '../apply/plan.js';
import { renderPlan } from '../apply/render-plan.js';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { GATEWAY_UPSTREAM, tcpAddress } from './gateway.js';
import { validateWithDockerd } from '../system/dockerd.js';
import { SERVER_FILES } from './server-issue.js';
import { defaultPolicyChange } from './authz.js';

export interface DaemonConfigureOptions extends GlobalOptions {
  daemonJson: string;
  listen: string;
  gateway?: boolean;
  upstream?: string;
  tlsDir: string;
  authz?: boolean;
  usernsRemap?: string;
  systemdDropin: string;
  systemdUnit?: string;
}

/** Where distributions put docker.service; an admin's copy in /etc wins. */
const UNIT_CANDIDATES = ['/etc/systemd/system/docker.service', '/lib/systemd/system/docker.service', '/usr/lib/systemd/system/docker.service'];

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`failed to read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** docker.service and its drop-ins as systemd would combine them, minus our own drop-in. */
function dockerServiceTexts(unitPath: string | undefined, ourDropin: string): { unit: string | undefined; texts: string[] } {
  const unit = unitPath ?? UNIT_CANDIDATES.find((candidate) => existsSync(candidate));
  if (!unit) return { unit: undefined, texts: [] };
  const text = readOptional(unit);
  if (text === undefined) throw new InputError(`failed to read --systemd-unit ${unit}: no such file`);
  const texts = [text];
  const dropinDir = `${resolve(dirname(ourDropin))}`;
  for (const dir of new Set(['/etc/systemd/system/docker.service.d', '/run/systemd/system/docker.service.d', dropinDir])) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.conf')).sort()) {
      const path = join(dir, name);
      if (path !== resolve(ourDropin)) texts.push(readFileSync(path, 'utf8'));
    }
  }
  return { unit, texts };
}

/** dockerd's own listener in the gateway layout: TCP on loopback, never where users could reach it from elsewhere. */
function gatewayUpstream(value: string): string {
  const { host } = tcpAddress(value, '--upstream');
  if (!isLoopbackHost(host)) {
    throw new InputError(`failed to accept --upstream ${JSON.stringify(value)}: in the gateway layout dockerd listens on loopback only`, { hint: `e.g. --upstream ${GATEWAY_UPSTREAM}` });
  }
  return value;
}

export async function daemonConfigureCommand(context: Context, options: DaemonConfigureOptions): Promise<CommandResult> {
  const problem = checkListenUrl(options.listen);
  if (problem) throw new InputError(`failed to accept --listen ${JSON.stringify(options.listen)}: ${problem}`, { hint: 'for example --listen tcp://0.0.0.0:2376' });
  const upstream = options.gateway ? gatewayUpstream(options.upstream ?? GATEWAY_UPSTREAM) : undefined;
  const daemonJson = resolve(options.daemonJson);
  const tlsDir = resolve(options.tlsDir);
  const tls = { ca: join(tlsDir, SERVER_FILES.ca), certificate: join(tlsDir, SERVER_FILES.certificate), key: join(tlsDir, SERVER_FILES.key) };
  const missing = Object.values(tls).filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new InputError(`failed to configure dockerd: ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist (dockerd would not start)`, {
      hint: `issue the server certificate first: dockauth server issue --host NAME --out ${tlsDir}`,
    });
  }

  const current = readOptional(daemonJson);
  const existing = current === undefined || current.trim() === '' ? {} : expectObject(parseJsonDocument(current, daemonJson), daemonJson);
  const service = dockerServiceTexts(options.systemdUnit, options.systemdDropin);
  const dropin = dockerServiceDropin(effectiveExecStart(service.texts), { authz: options.authz !== false });
  const merged = mergeDaemonConfig(existing, {
    tlsCaCert: tls.ca,
    tlsCert: tls.certificate,
    tlsKey: tls.key,
    // The gateway layout: users connect to the gateway on --listen; dockerd's TLS listener is loopback-only behind it.
    hosts: [dropin.localHost, upstream ?? options.listen],
    authz: options.authz !== false,
    userNamespaceRemap: options.usernsRemap,
  });
  const content = renderDaemonConfig(merged.config);

  const changes: Change[] = [];
  changes.push(...missingDirectories(dirname(daemonJson), 0o755));
  const mode = current === undefined ? 0o644 : lstatSync(daemonJson).mode & 0o7777;
  changes.push({ kind: 'file', path: daemonJson, content, mode, backup: true });
  const dropinPath = resolve(options.systemdDropin);
  if (dropin.text !== undefined) {
    changes.push(...missingDirectories(dirname(dropinPath), 0o755));
    changes.push({ kind: 'file', path: dropinPath, content: dropin.text, mode: 0o644 });
  }
  // The plugin refuses to start without a policy: the first configure installs the bundled one.
  if (options.authz !== false) changes.push(...missingDirectories(context.dir, 0o700), ...defaultPolicyChange(context.dir));
  const plan = { changes };
  const preview = applyPlan(plan, { dryRun: true });
  let validated: boolean | null = null;
  if (preview.changed) {
    const verdict = validateWithDockerd(content);
    if (verdict !== undefined && verdict !== '') {
      throw new InputError(`failed to configure dockerd: dockerd --validate rejects the merged ${daemonJson}: ${verdict}`, {
        hint: `fix the existing keys in ${daemonJson} (nothing was changed)`,
      });
    }
    validated = verdict === undefined ? null : true;
  }
  if (context.dryRun) {
    for (const line of renderPlan(plan, preview)) context.out.say(line);
    return { changed: preview.changed, dryRun: true, daemonJson, keysChanged: merged.changedKeys, dropin: dropin.text ? dropinPath : null };
  }
  const result = applyPlan(plan, { dryRun: false, now: context.now() });
  const backup = result.outcomes.find((outcome) => outcome.path === daemonJson)?.backup ?? null;
  if (!result.changed) {
    context.out.say(`${daemonJson} already has dockauth's settings; nothing changed.`);
  } else {
    context.out.say(`Merged ${merged.changedKeys.join(', ') || 'formatting'} into ${daemonJson}${backup ? ` (previous file kept as ${backup})` : ''}.`);
    if (dropin.text?.includes('ExecStart=')) context.out.say(`Wrote ${dropinPath}: docker.service starts dockerd without -H; daemon.json lists ${dropin.localHost} instead.`);
    else if (dropin.text !== undefined) context.out.say(`Wrote ${dropinPath}: docker.service starts after the plugin.`);
    if (service.unit === undefined) context.out.say('No docker.service unit found: if dockerd is started with -H elsewhere, remove it there.');
    if (options.authz !== false) context.out.say('Start the authorization plugin before dockerd: systemctl enable --now dockauth-authz (dockerd denies every request while it is down).');
    if (upstream) context.out.say(`Gateway layout: dockerd listens on ${upstream} (loopback); the gateway takes ${options.listen}: dockauth gateway issue && dockauth systemd --gateway --listen ${options.listen} --upstream ${upstream}`);
    context.out.say('Next: systemctl daemon-reload && systemctl restart docker   (TLS and hosts changes need a restart; a reload is not enough)');
  }
  return {
    changed: result.changed,
    daemonJson,
    backup,
    keysChanged: merged.changedKeys,
    hosts: merged.config.hosts,
    gateway: upstream ? { listen: options.listen, upstream } : null,
    dropin: dropin.text ? dropinPath : null,
    validated,
    restartNeeded: result.changed,
  };
}
