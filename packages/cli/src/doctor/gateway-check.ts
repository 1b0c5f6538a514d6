import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { certificateState, pemToDer, type CaStore } from '@dockauth/ca';
import { GATEWAY_SERVICE, isLoopbackHost, parseListenUrl } from '@dockauth/profile-d';
import { daysUntil, type Finding } from './finding.js';

const GATEWAY_DIR = 'dockauth-gateway';

/** Whether anything answers HTTP on a TLS port, shown the gateway's own certificate. */
function answersTls(host: string, port: number, tls: { ca: Buffer; cert: Buffer; key: Buffer }, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, ...tls, checkServerIdentity: () => undefined }, () => socket.end('GET /_ping HTTP/1.1\r\nHost: dockauth-doctor\r\nConnection: close\r\n\r\n'));
    let answer = '';
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('end', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

/**
 * The gateway layout (DIR/dockauth-gateway exists): its certificate is valid and not about to
 * expire, something answers where users connect, and dockerd itself listens on loopback only.
 */
export async function checkGateway(dir: string, store: CaStore | undefined, daemonHosts: readonly string[] | undefined, address: { host: string; port: number }, findings: Finding[], now = new Date()): Promise<void> {
  const files = join(dir, GATEWAY_DIR);
  let tls: { ca: Buffer; cert: Buffer; key: Buffer };
  try {
    tls = { ca: readFileSync(join(files, 'ca.pem')), cert: readFileSync(join(files, 'cert.pem')), key: readFileSync(join(files, 'key.pem')) };
  } catch {
    return; // the plugin-only layout: nothing to check
  }
  const der = pemToDer(tls.cert.toString('utf8'));
  const record = (await store?.list({ profile: 'client' }))?.find((candidate) => pemToDer(candidate.certificatePem).equals(der));
  const state = record && certificateState(record, now);
  if (!record || state !== 'valid') {
    findings.push({ severity: 'error', check: 'gateway certificate', message: `${join(files, 'cert.pem')} is ${record ? state : 'not in the inventory'}: the plugin refuses everything the gateway forwards`, fix: 'dockauth gateway issue' });
  } else {
    const days = daysUntil(record.notAfter, now);
    findings.push(days < 30
      ? { severity: 'warning', check: 'gateway certificate', message: `the gateway's certificate expires in ${days} days`, fix: 'dockauth gateway issue (the renewal timer runs it)' }
      : { severity: 'ok', check: 'gateway certificate', message: `valid for ${days} more days` });
  }
  const exposed = (daemonHosts ?? []).filter((host) => {
    if (!host.startsWith('tcp://')) return false;
    const parsed = parseListenUrl(host);
    return typeof parsed === 'string' || !isLoopbackHost(parsed.host);
  });
  if (exposed.length > 0) {
    findings.push({ severity: 'error', check: 'gateway layout', message: `dockerd listens on ${exposed.join(', ')}: users can reach it around the gateway`, fix: 'dockauth daemon configure --gateway && systemctl restart docker' });
  }
  try {
    const status = await answersTls(address.host, address.port, tls, 3000);
    findings.push({ severity: 'ok', check: 'gateway', message: `answers on ${address.host}:${address.port} (${status})` });
  } catch (error) {
    findings.push({ severity: 'error', check: 'gateway', message: `nothing answers on ${address.host}:${address.port}: ${(error as Error).message}`, fix: `systemctl enable --now ${GATEWAY_SERVICE}` });
  }
}
