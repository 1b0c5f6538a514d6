import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { DOCKAUTH_BIN } from './dockauth.js';

/** One AuthZReq as dockerd sends it for `docker version`'s ping by `user` with `certificatePem`. */
export function ping(socketPath: string, user: string, certificatePem: string): Promise<{ Allow: boolean; Msg?: string }> {
  const body = JSON.stringify({
    User: user,
    UserAuthNMethod: 'TLS',
    RequestMethod: 'GET',
    RequestUri: '/v1.41/_ping',
    RequestHeaders: { 'User-Agent': 'Docker-Client/28.2.2 (linux)' },
    // Go marshals each peer certificate as the base64 of its PEM encoding.
    RequestPeerCertificates: [Buffer.from(certificatePem).toString('base64')],
  });
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path: '/AuthZPlugin.AuthZReq', method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Polls `check` every `everyMs` until it holds or `capMs` passes; the time it took, or undefined. */
export async function pollUntil(check: () => Promise<boolean>, capMs: number, everyMs = 10): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < capMs) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return undefined;
}

export interface PluginProcess {
  socket: string;
  process: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** `dockauth authz serve` as its own process (a docker host's plugin), on a socket of its own. */
export async function startPluginProcess(stateDir: string, socket: string, owners: string, env: NodeJS.ProcessEnv = {}): Promise<PluginProcess> {
  const child = spawn(process.execPath, [DOCKAUTH_BIN, '--dir', stateDir, 'authz', 'serve', '--socket', socket, '--audit', 'none', '--docker-socket', '/nonexistent/docker.sock', '--owners', owners], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  for (let i = 0; i < 200 && !existsSync(socket); i++) {
    if (child.exitCode !== null) throw new Error(`the plugin exited: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!existsSync(socket)) throw new Error(`the plugin did not listen on ${socket}: ${log}`);
  return {
    socket,
    process: child,
    log: () => log,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
