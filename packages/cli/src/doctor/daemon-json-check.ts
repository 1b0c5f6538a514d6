import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { CaStore, expectObject, parseJsonDocument } from '@dockauth/ca';
import { PLUGIN_NAME } from '@dockauth/profile-d';
import type { Context } from '../context.js';
import { formatDate } from '../store-access.js';
import { DAY_MS, type Finding } from './finding.js';

/** The certificate dockerd really serves (daemon.json's tlscert): expired is an error, within 30 days a warning. */
function checkServerExpiry(context: Context, path: string, server: X509Certificate, findings: Finding[]): void {
  const notAfter = new Date(server.validTo);
  const left = notAfter.getTime() - context.now().getTime();
  const fix = 'dockauth server renew --within 30, then systemctl restart docker';
  if (left <= 0) {
    findings.push({ severity: 'error', check: 'server-certificate', message: `${path}, the certificate dockerd serves, expired on ${formatDate(notAfter)}: every client refuses the daemon`, fix });
  } else if (left < 30 * DAY_MS) {
    findings.push({ severity: 'warning', check: 'server-certificate', message: `${path}, the certificate dockerd serves, expires on ${formatDate(notAfter)}`, fix });
  } else {
    findings.push({ severity: 'ok', check: 'server-certificate', message: `${path} is valid until ${formatDate(notAfter)}` });
  }
}

/** daemon.json: TLS on, the plugin enabled, its certificate files there, ours, current and covering the host's names. */
export function checkDaemonJson(context: Context, path: string, store: CaStore | undefined, findings: Finding[]): void {
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
  if (typeof config.tlscert !== 'string' || !existsSync(config.tlscert)) return;
  let server: X509Certificate;
  try {
    server = new X509Certificate(readFileSync(config.tlscert));
  } catch {
    findings.push({ severity: 'error', check: 'server-certificate', message: `${config.tlscert} is not a PEM certificate`, fix: 'dockauth server issue' });
    return;
  }
  checkServerExpiry(context, config.tlscert, server, findings);
  if (!store) return;
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
