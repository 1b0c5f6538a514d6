import { existsSync, lstatSync } from 'node:fs';
import { request } from 'node:http';
import { loadPolicyFile } from '@dockauth/authz';
import { AUTHZ_SERVICE } from '@dockauth/profile-d';
import type { Finding } from './finding.js';

export const DEFAULT_PLUGIN_SOCKET = '/run/docker/plugins/dockauth.sock';

/** What dockerd asks a plugin first: POST /Plugin.Activate; the parsed answer. */
export function activatePlugin(socketPath: string, timeoutMs = 3000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from('{}');
    const req = request(
      { socketPath, method: 'POST', path: '/Plugin.Activate', timeout: timeoutMs, headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, Accept: 'application/vnd.docker.plugins.v1.2+json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return reject(new Error(`it answered ${res.statusCode}: ${text.trim().slice(0, 200)}`));
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new Error(`its answer is not JSON: ${JSON.stringify(text.slice(0, 100))}`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether the plugin is there for dockerd: its socket exists and answers Plugin.Activate with authz. */
export async function checkPlugin(socket: string, findings: Finding[], timeoutMs = 3000): Promise<void> {
  const start = `systemctl enable --now ${AUTHZ_SERVICE}`;
  let stats;
  try {
    stats = lstatSync(socket);
  } catch {
    findings.push({ severity: 'error', check: 'plugin', message: `the authorization plugin is not running: ${socket} does not exist (dockerd denies every request while it is down)`, fix: start });
    return;
  }
  if (!stats.isSocket()) {
    findings.push({ severity: 'error', check: 'plugin', message: `${socket} is not a socket, so dockerd cannot reach the plugin`, fix: `rm ${socket} && systemctl restart ${AUTHZ_SERVICE}` });
    return;
  }
  let answer: unknown;
  try {
    answer = await activatePlugin(socket, timeoutMs);
  } catch (error) {
    findings.push({ severity: 'error', check: 'plugin', message: `the authorization plugin on ${socket} does not answer Plugin.Activate: ${(error as Error).message}`, fix: `systemctl restart ${AUTHZ_SERVICE}; journalctl -u ${AUTHZ_SERVICE}` });
    return;
  }
  const implementsList = (answer as { Implements?: unknown } | null)?.Implements;
  if (!Array.isArray(implementsList) || !implementsList.includes('authz')) {
    findings.push({ severity: 'error', check: 'plugin', message: `${socket} answers Plugin.Activate with ${JSON.stringify(answer)}, not as an authz plugin: something else holds dockauth's socket`, fix: `ss -xlp | grep ${socket}; then systemctl restart ${AUTHZ_SERVICE}` });
    return;
  }
  findings.push({ severity: 'ok', check: 'plugin', message: `the authorization plugin answers on ${socket}` });
}

/** Whether the policy the plugin loads parses; a bad file names its line and column. */
export function checkPolicy(path: string, findings: Finding[]): void {
  if (!existsSync(path)) {
    findings.push({ severity: 'error', check: 'policy', message: `${path} does not exist: the plugin refuses to start without a policy`, fix: 'dockauth authz init' });
    return;
  }
  try {
    loadPolicyFile(path);
  } catch (error) {
    // PolicyError names the place as path:line:column.
    findings.push({ severity: 'error', check: 'policy', message: (error as Error).message, fix: `fix ${path} at that place, then check it with: dockauth doctor --policy ${path}` });
    return;
  }
  findings.push({ severity: 'ok', check: 'policy', message: `the policy ${path} parses` });
}
