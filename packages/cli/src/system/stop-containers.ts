import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

/** One call to dockerd over its root socket; the parsed answer, or an error naming the call. */
function call(socketPath: string, method: string, path: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request({ socketPath, method, path, timeout: 30_000, headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 300 && res.statusCode !== 304) return reject(new Error(`dockerd answered ${res.statusCode} to ${method} ${path}: ${text.trim()}`));
        try {
          resolve(text === '' ? undefined : JSON.parse(text));
        } catch {
          resolve(text);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`dockerd did not answer ${method} ${path} in time`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Containers the plugin recorded as made by `user` (any dockerd's records on this host). */
function recordedContainers(user: string, recordsDir: string): Set<string> {
  const ids = new Set<string>();
  if (!existsSync(recordsDir)) return ids;
  for (const file of readdirSync(recordsDir).filter((name) => name.endsWith('.owners.jsonl'))) {
    for (const line of readFileSync(join(recordsDir, file), 'utf8').split('\n')) {
      try {
        const record = JSON.parse(line) as { kind: string; key: string; owner: string | null };
        if (record.kind === 'container' && record.owner === user) ids.add(record.key);
      } catch {
        // a line cut short
      }
    }
  }
  return ids;
}

export interface StoppedContainers {
  /** Containers stopped, by name. */
  stopped: string[];
  /** Containers whose restart policy was turned off (so dockerd does not start them again). */
  unrestarted: string[];
}

/**
 * When a user's access ends, their running work must end too: every container that is
 * theirs (the owner label, the plugin's record, or running as their uid) has its restart
 * policy turned off and is stopped. Stopped, not removed: their data stays for the
 * administrator to look at.
 */
export async function stopContainersOf(user: string, uid: number, socketPath: string, recordsDir = '/var/lib/dockauth'): Promise<StoppedContainers> {
  const recorded = recordedContainers(user, recordsDir);
  const listed = (await call(socketPath, 'GET', '/containers/json?all=1')) as Array<{ Id: string; Names?: string[]; State?: string; Labels?: Record<string, string> }>;
  const result: StoppedContainers = { stopped: [], unrestarted: [] };
  for (const summary of listed) {
    const info = (await call(socketPath, 'GET', `/containers/${summary.Id}/json`)) as { Name?: string; Config?: { User?: string; Labels?: Record<string, string> }; HostConfig?: { RestartPolicy?: { Name?: string } }; State?: { Running?: boolean; Restarting?: boolean } };
    const label = info.Config?.Labels?.['dockauth.owner'];
    const runsAs = /^(\d+)(:\d+)?$/.exec(info.Config?.User ?? '')?.[1];
    const mine = recorded.has(summary.Id) || label === user || (label === undefined && runsAs !== undefined && Number(runsAs) === uid);
    if (!mine) continue;
    const name = (info.Name ?? summary.Id).replace(/^\//, '');
    const restart = info.HostConfig?.RestartPolicy?.Name ?? '';
    if (restart !== '' && restart !== 'no') {
      await call(socketPath, 'POST', `/containers/${summary.Id}/update`, { RestartPolicy: { Name: 'no' } });
      result.unrestarted.push(name);
    }
    if (info.State?.Running || info.State?.Restarting) {
      await call(socketPath, 'POST', `/containers/${summary.Id}/stop?t=10`);
      result.stopped.push(name);
    }
  }
  return result;
}
