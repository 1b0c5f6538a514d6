import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CaStore, certificateState, expectObject, parseJsonDocument, type CertificateRecord } from '@dockauth/ca';
import { PLUGIN_NAME } from '@dockauth/profile-d';
import type { CommandResult } from '../cli.js';
import { BUNDLE_FILES } from '../client-bundle.js';
import type { Context, GlobalOptions } from '../context.js';
import { checkEngine } from './doctor-engine.js';
import { formatDate, readPassphrase } from '../store-access.js';
import { lookupAccounts } from '../system/accounts.js';
import { readPlainFile } from '../system/regular-file.js';

export interface DoctorOptions extends GlobalOptions {
  daemonJson: string;
  socket: string;
}

export interface Finding {
  severity: 'error' | 'warning' | 'ok';
  check: string;
  message: string;
  fix?: string;
}

const DAY = 86_400_000;

async function checkCa(context: Context, options: DoctorOptions, findings: Finding[]): Promise<CaStore | undefined> {
  let store: CaStore;
  try {
    store = await CaStore.open(context.dir, { passphrase: readPassphrase(options) });
  } catch (error) {
    findings.push({ severity: 'error', check: 'ca', message: (error as Error).message, fix: (error as { hint?: string }).hint });
    return undefined;
  }
  try {
    await store.assertCanSign();
    findings.push({ severity: 'ok', check: 'ca', message: `CA key ${CaStore.paths(context.dir).caKey} is private and usable` });
  } catch (error) {
    findings.push({ severity: 'error', check: 'ca-key', message: (error as Error).message, fix: (error as { hint?: string }).hint });
  }
  const left = store.caCertificate.notAfter.getTime() - context.now().getTime();
  if (left < 90 * DAY) {
    findings.push({ severity: 'warning', check: 'ca-expiry', message: `the CA expires on ${formatDate(store.caCertificate.notAfter)}`, fix: 'plan a new CA: dockauth ca init --force, then re-issue server and users' });
  }
  return store;
}

function checkExpiring(context: Context, store: CaStore, findings: Finding[]): void {
  const now = context.now();
  const latest = new Map<string, CertificateRecord>();
  for (const record of store.list({ status: 'valid' })) {
    if (record.profile === 'ca') continue;
    const key = record.profile === 'server' ? 'server' : `user ${record.user}`;
    const seen = latest.get(key);
    if (!seen || record.notAfter > seen.notAfter) latest.set(key, record);
  }
  for (const [who, record] of latest) {
    const state = certificateState(record, now);
    if (state === 'expired' || record.notAfter.getTime() - now.getTime() < 30 * DAY) {
      const fix = who === 'server' ? 'dockauth server issue --host ... (or let the renewal timer do it)' : `dockauth user renew ${record.user}`;
      findings.push({ severity: state === 'expired' ? 'error' : 'warning', check: 'expiry', message: `${who}: certificate ${record.serial} ${state === 'expired' ? 'expired' : 'expires'} on ${formatDate(record.notAfter)}`, fix });
    }
  }
}

function checkDaemonJson(context: Context, options: DoctorOptions, store: CaStore | undefined, findings: Finding[]): void {
  const path = options.daemonJson;
  if (!existsSync(path)) {
    findings.push({ severity: 'warning', check: 'daemon.json', message: `${path} does not exist`, fix: 'dockauth daemon configure' });
    return;
  }
  let config: Record<string, unknown>;
  try {
    config = expectObject(parseJsonDocument(readFileSync(path, 'utf8'), path), path);
  } catch (error) {
    findings.push({ severity: 'error', check: 'daemon.json', message: (error as Error).message, fix: `fix ${path}; dockerd will not start with it` });
    return;
  }
  if (config.tls !== true || config.tlsverify !== true) {
    findings.push({ severity: 'error', check: 'daemon.json', message: `${path}: tls and tlsverify must both be true, or any client can connect`, fix: 'dockauth daemon configure' });
  }
  const plugins = Array.isArray(config['authorization-plugins']) ? (config['authorization-plugins'] as unknown[]) : [];
  if (!plugins.includes(PLUGIN_NAME)) {
    findings.push({ severity: 'error', check: 'daemon.json', message: `${path}: the ${PLUGIN_NAME} authorization plugin is not enabled: any user with a certificate is root on this host`, fix: 'dockauth daemon configure --authz' });
  }
  for (const key of ['tlscacert', 'tlscert', 'tlskey']) {
    const file = config[key];
    if (typeof file !== 'string' || !existsSync(file)) {
      findings.push({ severity: 'error', check: 'daemon.json', message: `${path}: ${key} ${JSON.stringify(file)} does not exist`, fix: 'dockauth server issue, then dockauth daemon configure' });
    }
  }
  if (!store || typeof config.tlscert !== 'string' || !existsSync(config.tlscert)) return;
  let server: X509Certificate;
  try {
    server = new X509Certificate(readFileSync(config.tlscert));
  } catch {
    findings.push({ severity: 'error', check: 'server-certificate', message: `${config.tlscert} is not a PEM certificate`, fix: 'dockauth server issue' });
    return;
  }
  const ca = new X509Certificate(store.caCertificatePem);
  if (!server.checkIssued(ca) || !server.verify(ca.publicKey)) {
    findings.push({ severity: 'error', check: 'server-certificate', message: `${config.tlscert} was not issued by the CA in ${context.dir}`, fix: 'dockauth server issue' });
  }
  if (typeof config.tlscacert === 'string' && existsSync(config.tlscacert) && readFileSync(config.tlscacert, 'utf8') !== store.caCertificatePem) {
    findings.push({ severity: 'error', check: 'server-certificate', message: `${config.tlscacert} is not this CA's certificate: dockerd will refuse users' certificates`, fix: 'dockauth server issue' });
  }
  const names = [hostname(), ...((Array.isArray(config.hosts) ? config.hosts : []) as unknown[])
    .map(String)
    .map((host) => /^tcp:\/\/\[?([^\]]+?)\]?:\d+$/.exec(host)?.[1])
    .filter((host): host is string => host !== undefined && host !== '0.0.0.0' && host !== '::')];
  for (const name of names) {
    const covered = server.checkHost(name) !== undefined || server.checkIP(name) !== undefined;
    if (!covered) {
      findings.push({ severity: 'warning', check: 'server-certificate', message: `${config.tlscert} does not cover ${name}: clients using that name will fail verification`, fix: `dockauth server issue --host ${name}` });
    }
  }
}

function checkUsers(store: CaStore, findings: Finding[]): void {
  const users = [...new Set(store.list({ profile: 'client', status: 'valid' }).map((record) => record.user as string))];
  const accounts = lookupAccounts(users);
  for (const user of users) {
    const account = accounts.get(user);
    if (!account) continue; // certificates shipped with --out for users of other hosts
    const dir = join(account.home, '.docker');
    const latest = store.certificatesOf(user).find((record) => record.status === 'valid');
    const problems: string[] = [];
    for (const [name, mode] of [[BUNDLE_FILES.ca, undefined], [BUNDLE_FILES.certificate, undefined], [BUNDLE_FILES.key, 0o600]] as const) {
      const path = join(dir, name);
      let stats;
      try {
        stats = statSync(path);
      } catch {
        problems.push(`${path} is missing`);
        continue;
      }
      if (stats.uid !== account.uid) problems.push(`${path} belongs to uid ${stats.uid}`);
      if (mode !== undefined && (stats.mode & 0o777) !== mode) problems.push(`${path} has mode 0${(stats.mode & 0o777).toString(8)}`);
    }
    const certificate = readPlainFile(join(dir, BUNDLE_FILES.certificate))?.toString();
    if (certificate !== undefined && latest && certificate !== latest.certificatePem) problems.push(`${join(dir, BUNDLE_FILES.certificate)} is not ${user}'s current certificate`);
    if (problems.length > 0) {
      findings.push({ severity: 'warning', check: 'user-files', message: `${user}: ${problems.join('; ')}`, fix: `dockauth user renew ${user} --within 36500` });
    }
  }
}

/** The hole that bypasses TLS and the plugin: a local socket anyone but root can reach. Returns whether it exists. */
function checkSocket(options: DoctorOptions, findings: Finding[]): boolean {
  let stats;
  try {
    stats = statSync(options.socket);
  } catch {
    findings.push({ severity: 'ok', check: 'socket', message: `${options.socket} does not exist here` });
    return false;
  }
  if (stats.uid !== 0) {
    findings.push({ severity: 'error', check: 'socket', message: `${options.socket} belongs to uid ${stats.uid}: that user is root on this host`, fix: `chown root ${options.socket}` });
  }
  if (stats.mode & 0o006) {
    findings.push({ severity: 'error', check: 'socket', message: `${options.socket} is open to every local user (mode 0${(stats.mode & 0o777).toString(8)}): anyone is root`, fix: `chmod o-rw ${options.socket}` });
  }
  if (stats.mode & 0o060 && stats.gid !== 0) {
    const group = spawnSync('getent', ['group', String(stats.gid)], { encoding: 'utf8' }).stdout.trim();
    const [name, , , members] = group.split(':');
    if (members && members.trim() !== '') {
      findings.push({ severity: 'error', check: 'socket', message: `${options.socket} is reachable by group ${name} (${members}): its members bypass TLS and the plugin and are root`, fix: `gpasswd -M '' ${name}   (users reach Docker over TLS as themselves)` });
    } else {
      findings.push({ severity: 'warning', check: 'socket', message: `${options.socket} is group-accessible by ${name ?? stats.gid} (no members now): anyone added to it becomes root`, fix: `keep group ${name ?? stats.gid} empty, or make the socket root:root 0660` });
    }
  }
  return true;
}

export async function doctorCommand(context: Context, options: DoctorOptions): Promise<CommandResult> {
  const findings: Finding[] = [];
  const store = await checkCa(context, options, findings);
  let socketExists = false;
  try {
    if (store) checkExpiring(context, store, findings);
    checkDaemonJson(context, options, store, findings);
    if (store) checkUsers(store, findings);
    socketExists = checkSocket(options, findings);
  } finally {
    store?.close();
  }
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
