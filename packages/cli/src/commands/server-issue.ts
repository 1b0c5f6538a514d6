import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError, parseHost, parseKeyType } from '@dockauth/ca';
import type { CommandResult } from '../cli.js';
import type { Context, GlobalOptions } from '../context.js';
import { ask } from '../prompt.js';
import { daysOption, durationOption, formatDate, openStore } from '../store-access.js';
import { applyServer, planServer } from '../issuance/server-certificate.js';

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

  const store = await openStore(context, options);
  try {
    const plan = planServer({ caCertificatePem: store.caCertificatePem, servers: await store.list({ profile: 'server', status: 'valid' }) }, paths, hosts, withinDays, context.now());
    const current = plan.current;
    if (plan.action === 'unchanged' && current) {
      await applyServer(context, store, plan, { keyType, durationMs }); // only a killed run's leftovers, if any
      context.out.say(`The server certificate in ${out} is ours, covers ${hosts.join(', ')} and is valid until ${formatDate(current.notAfter)}; nothing changed.`);
      return { changed: plan.stale.length + plan.leftovers.length > 0, out, serial: current.serial, hosts: current.hosts, notAfter: formatDate(current.notAfter) };
    }
    const issued = await applyServer(context, store, plan, { keyType, durationMs });
    if (!issued) {
      context.out.say(`would issue a server certificate for ${hosts.join(', ')} into ${out} (${plan.why})${current ? `, revoking ${current.serial} (superseded)` : ''}`);
      return { changed: true, dryRun: true, out, hosts, why: plan.why };
    }
    const notAfter = formatDate(issued.record.notAfter);
    context.out.say(`Issued the server certificate ${issued.record.serial} for ${issued.record.hosts.join(', ')}, valid until ${notAfter}:`);
    for (const path of Object.values(paths)) context.out.say(`  ${path}`);
    if (current) context.out.say(`Revoked ${current.serial} (superseded). dockerd reads its certificate only at start: restart it (systemctl restart docker).`);
    else context.out.say('Next: dockauth daemon configure');
    return { changed: true, out, serial: issued.record.serial, hosts: issued.record.hosts, notAfter, files: paths, superseded: current?.serial ?? null };
  } finally {
    await store.close();
  }
}
