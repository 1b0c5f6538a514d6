import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expectObject, parseJsonDocument, type CaStore } from '@dockauth/ca';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { applyServer, planServer } from '../issuance/server-certificate.js';
import { daysOption, durationOption, formatDate, openStore } from '../store-access.js';
import type { InstalledPaths } from '../system/installed-bundle.js';
import { readPlainFile } from '../system/regular-file.js';
import { SERVER_FILES } from './server-issue.js';

export interface ServerRenewOptions extends GlobalOptions {
  within?: string;
  days?: string;
  daemonJson?: string;
  restartDockerd?: boolean;
}

interface Target {
  paths: InstalledPaths;
  /** daemon.json names these files: dockerd on this host uses them. */
  inUse: boolean;
}

/** The TLS files daemon.json names, or undefined when it names none (or there is no daemon.json). */
function daemonTarget(daemonJson: string): InstalledPaths | undefined {
  let config: Record<string, unknown>;
  try {
    config = expectObject(parseJsonDocument(readFileSync(daemonJson, 'utf8'), daemonJson), daemonJson);
  } catch {
    return undefined;
  }
  if (typeof config.tlscert !== 'string' || typeof config.tlskey !== 'string') return undefined;
  const ca = typeof config.tlscacert === 'string' ? config.tlscacert : join(dirname(config.tlscert), SERVER_FILES.ca);
  return { ca, certificate: config.tlscert, key: config.tlskey };
}

/**
 * What is in use: the certificate daemon.json points at, and every server
 * certificate this CA issued with --out that is still installed where it went
 * (a CA host issues every host's). Each once.
 */
async function targets(store: CaStore, daemonJson: string): Promise<Target[]> {
  const found = new Map<string, Target>();
  const inUse = daemonTarget(daemonJson);
  if (inUse) found.set(inUse.certificate, { paths: inUse, inUse: true });
  for (const record of await store.list({ profile: 'server', status: 'valid' })) {
    if (!record.destination) continue;
    const paths = { ca: join(record.destination, SERVER_FILES.ca), certificate: join(record.destination, SERVER_FILES.certificate), key: join(record.destination, SERVER_FILES.key) };
    if (found.has(paths.certificate) || readPlainFile(paths.certificate)?.toString() !== record.certificatePem) continue;
    found.set(paths.certificate, { paths, inUse: false });
  }
  return [...found.values()];
}

/**
 * Re-issues, for the same names and into the same files, each server certificate
 * in use that expires within --within days (the renewal timer runs this daily);
 * says which, and that dockerd must restart to read it (or restarts it, with
 * --restart-dockerd, when its own certificate changed).
 */
export async function serverRenewCommand(context: Context, options: ServerRenewOptions): Promise<CommandResult> {
  const withinDays = daysOption(options.within ?? '30', '--within');
  const durationMs = durationOption(options.days);
  const daemonJson = options.daemonJson ?? '/etc/docker/daemon.json';
  const store = await openStore(context, options);
  try {
    const now = context.now();
    const results: Array<Record<string, unknown>> = [];
    let restartNeeded = false;
    const known = { caCertificatePem: store.caCertificatePem, servers: await store.list({ profile: 'server', status: 'valid' }) };
    for (const target of await targets(store, daemonJson)) {
      const installed = planServer(known, target.paths, [], withinDays, now);
      const where = `${target.paths.certificate}${target.inUse ? ` (dockerd's, named in ${daemonJson})` : ''}`;
      if (!installed.current) {
        context.out.warn(`${where} is not a certificate this CA issued (or its key or CA file is missing); not renewed. Issue one with: dockauth server issue --out ${dirname(target.paths.certificate)}`);
        results.push({ certificate: target.paths.certificate, inUse: target.inUse, action: 'not ours' });
        continue;
      }
      const plan = planServer(known, target.paths, installed.current.hosts, withinDays, now);
      const issued = await applyServer(context, store, plan, { durationMs });
      const about = { certificate: target.paths.certificate, out: dirname(target.paths.certificate), inUse: target.inUse, hosts: plan.hosts };
      if (plan.action === 'unchanged') {
        context.out.say(`${where}: ${installed.current.serial} valid until ${formatDate(installed.current.notAfter)}; not due`);
        results.push({ ...about, action: 'unchanged', serial: installed.current.serial, notAfter: formatDate(installed.current.notAfter) });
        continue;
      }
      if (!issued) {
        context.out.say(`${where}: would renew ${installed.current.serial} for ${plan.hosts.join(', ')} (${plan.why})`);
        results.push({ ...about, action: 'would renew', serial: installed.current.serial, notAfter: formatDate(installed.current.notAfter) });
        continue;
      }
      restartNeeded ||= target.inUse;
      context.out.say(`${where}: renewed ${installed.current.serial} as ${issued.record.serial} for ${issued.record.hosts.join(', ')}, valid until ${formatDate(issued.record.notAfter)}`);
      results.push({ ...about, action: 'renewed', serial: issued.record.serial, notAfter: formatDate(issued.record.notAfter), superseded: installed.current.serial });
    }
    if (results.length === 0) {
      // Not an error: the daily timer runs this on CA hosts that have no daemon of their own.
      context.out.say(`No server certificate of ${context.dir} is in use here (${daemonJson} names none, no --out bundle is installed); nothing to renew.`);
    }
    const restarted = restartNeeded && options.restartDockerd ? restartDockerd(context) : false;
    if (restartNeeded && !restarted) context.out.say('dockerd reads its certificate only at start: restart it to use the new one (systemctl restart docker).');
    for (const result of results) {
      if (result.action === 'renewed' && !result.inUse) context.out.say(`Ship ${dirname(result.certificate as string)} to its host and restart dockerd there.`);
    }
    // The fields server renew always had (as server issue) speak of dockerd's own certificate, else the first.
    const primary = results.find((result) => result.inUse && result.serial) ?? results.find((result) => result.serial);
    return {
      changed: results.some((result) => result.action === 'renewed' || result.action === 'would renew'),
      dryRun: context.dryRun,
      serial: (primary?.serial as string | undefined) ?? null,
      out: primary?.out ?? null,
      hosts: primary?.hosts ?? [],
      notAfter: primary?.notAfter ?? null,
      certificates: results,
      restartNeeded,
      restarted,
    };
  } finally {
    await store.close();
  }
}

/** systemctl try-restart: restarts dockerd only if it runs; false (with a warning) when that fails. */
function restartDockerd(context: Context): boolean {
  const result = spawnSync('systemctl', ['try-restart', 'docker.service'], { encoding: 'utf8', timeout: 120_000 });
  if (result.status === 0) {
    context.out.say('Restarted dockerd (systemctl try-restart docker.service) to use the new certificate.');
    return true;
  }
  context.out.warn(`failed to restart dockerd: ${(result.stderr || result.error?.message || `exit ${result.status}`).trim()}`);
  return false;
}
