import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError, parseHost, parseKeyType } from '@dockauth/ca';
import { applyPlan } from '../apply/apply-plan.js';
import { missingDirectories } from '../apply/missing-directories.js';
import type { Change } from '../apply/plan.js';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { ask } from '../prompt.js';
import { daysOption, durationOption, formatDate, openStore } from '../store-access.js';
import { certificateIsInstalled } from '../system/installed-bundle.js';
import { readPlainFile } from '../system/regular-file.js';

export interface ServerIssueOptions extends GlobalOptions {
  host?: string[];
  ip?: string[];
  defaultHosts?: boolean;
  days?: string;
  keyType?: string;
  out: string;
  within?: string;
}

export const SERVER_FILES = { ca: 'ca.pem', certificate: 'server-cert.pem', key: 'server-key.pem' } as const;

/** Names every local client may use: the loopback names and this machine's own name. */
export function defaultHosts(machineName: string = hostname()): string[] {
  return ['localhost', '127.0.0.1', '::1', machineName];
}

async function requestedHosts(context: Context, options: ServerIssueOptions): Promise<string[]> {
  let hosts = options.host ?? [];
  if (hosts.length === 0 && (options.ip ?? []).length === 0 && context.interactive) {
    const answer = await ask(context, { flag: '--host NAME', message: 'Host names clients use to reach the daemon (space-separated)', default: hostname() });
    hosts = answer.split(/[\s,]+/).filter(Boolean);
  }
  for (const ip of options.ip ?? []) {
    if (parseHost(ip, '--ip').kind !== 'ip') throw new InputError(`failed to accept --ip ${JSON.stringify(ip)}: not an IP address`);
  }
  const all = [...hosts, ...(options.ip ?? []), ...(options.defaultHosts === false ? [] : defaultHosts())];
  // Normalized and each once, in the order given.
  return [...new Set(all.map((host) => parseHost(host).value))];
}

export async function serverIssueCommand(context: Context, options: ServerIssueOptions): Promise<CommandResult> {
  const hosts = await requestedHosts(context, options);
  if (hosts.length === 0) {
    throw new InputError('no host names for the server certificate', { hint: 'pass --host NAME and/or --ip ADDRESS' });
  }
  const keyType = options.keyType === undefined ? undefined : parseKeyType(options.keyType);
  const durationMs = durationOption(options.days);
  const withinDays = daysOption(options.within ?? '30', '--within');
  const out = resolve(options.out);
  const paths = { ca: join(out, SERVER_FILES.ca), certificate: join(out, SERVER_FILES.certificate), key: join(out, SERVER_FILES.key) };
  const changes = (certificatePem: string, privateKeyPem: string, caPem: string): Change[] => [
    ...missingDirectories(out, 0o755),
    { kind: 'file', path: paths.ca, content: caPem, mode: 0o644 },
    { kind: 'file', path: paths.certificate, content: certificatePem, mode: 0o644 },
    { kind: 'file', path: paths.key, content: privateKeyPem, mode: 0o600, secret: true },
  ];

  const store = await openStore(context, options);
  try {
    const now = context.now();
    // The installed certificate, read once, names its record; then the key and CA beside it are checked.
    const installed = readPlainFile(paths.certificate)?.toString();
    const record = installed === undefined ? undefined : store.list({ profile: 'server', status: 'valid' }).find((candidate) => candidate.certificatePem === installed);
    const current = record && certificateIsInstalled(paths, store.caCertificatePem, record.certificatePem) ? record : undefined;
    const fresh =
      current &&
      current.notAfter.getTime() - now.getTime() > withinDays * 86_400_000 &&
      hosts.every((host) => current.hosts.includes(host));
    if (current && fresh) {
      context.out.say(`The server certificate in ${out} is ours, covers ${hosts.join(', ')} and is valid until ${formatDate(current.notAfter)}; nothing changed.`);
      return { changed: false, out, serial: current.serial, hosts: current.hosts, notAfter: formatDate(current.notAfter) };
    }
    applyPlan({ changes: changes('', '', store.caCertificatePem) }, { dryRun: true });
    await store.assertCanSign();
    if (context.dryRun) {
      context.out.say(`would issue a server certificate for ${hosts.join(', ')} into ${out}`);
      return { changed: true, dryRun: true, out, hosts };
    }
    const issued = await store.issueServer({ hosts, keyType, durationMs, destination: out });
    applyPlan({ changes: changes(issued.certificatePem, issued.privateKeyPem!, store.caCertificatePem) }, { dryRun: false });
    if (current) await store.revokeSerials([current.serial], 'superseded');
    const notAfter = formatDate(issued.record.notAfter);
    context.out.say(`Issued the server certificate ${issued.record.serial} for ${issued.record.hosts.join(', ')}, valid until ${notAfter}:`);
    for (const path of Object.values(paths)) context.out.say(`  ${path}`);
    context.out.say('Next: dockauth daemon configure');
    return { changed: true, out, serial: issued.record.serial, hosts: issued.record.hosts, notAfter, files: paths };
  } finally {
    store.close();
  }
}

export interface ServerRenewOptions extends GlobalOptions {
  within?: string;
  days?: string;
  keyType?: string;
}

/**
 * Re-issues the daemon's certificate for the same names, into the same place,
 * when it expires within --within days (the renewal timer runs this daily).
 */
export async function serverRenewCommand(context: Context, options: ServerRenewOptions): Promise<CommandResult> {
  const store = await openStore(context, options);
  const latest = store
    .list({ profile: 'server', status: 'valid' })
    .sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime())
    .at(-1);
  store.close();
  if (!latest) {
    // Not an error: the daily timer runs this on CA hosts that have no daemon of their own.
    context.out.say(`No valid server certificate was issued from ${context.dir}; nothing to renew.`);
    return { changed: false, serial: null };
  }
  return serverIssueCommand(context, {
    ...options,
    host: latest.hosts,
    defaultHosts: false,
    out: latest.destination ?? '/etc/docker/ssl',
  });
}
