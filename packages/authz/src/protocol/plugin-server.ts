import { chmodSync, existsSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { CaStore } from '@dockauth/ca';
import { AuditLog, auditRecord } from '../audit/audit-log.js';
import { DockerSocketLookup } from '../docker-client.js';
import { decide, type Decision } from '../engine/decide.js';
import { loadPolicyFile, PolicyWatcher } from '../engine/policy-file.js';
import type { DockerLookup, HostPaths } from '../engine/lookups.js';
import { realHostPaths, SystemAccounts } from '../host.js';
import { decodeAuthzRequest } from './authz-request.js';

export const PLUGIN_CONTENT_TYPE = 'application/vnd.docker.plugins.v1+json';
const MAX_REQUEST = 8 * 1024 * 1024; // a 1 MiB body arrives base64-encoded inside JSON

export interface PluginOptions {
  /** Where dockerd looks for the plugin: /run/docker/plugins/dockauth.sock. */
  socket: string;
  /** The CA state directory (read-only: the inventory for identity and revocation). */
  stateDir: string;
  policyPath: string;
  /** Audit file; undefined for none. */
  auditPath: string | undefined;
  auditStdout: boolean;
  /** dockerd's root socket, for ownership and image look-ups. */
  dockerSocket: string;
  /** What to do when the audit record cannot be written: deny (default) or allow. */
  auditFailure: 'deny' | 'allow';
  log: (line: string) => void;
  /** For tests: stand-ins for dockerd and the host. */
  docker?: DockerLookup;
  paths?: HostPaths;
}

export interface RunningPlugin {
  server: Server;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST) req.destroy(new Error('request too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, value: object): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': PLUGIN_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Replaces a stale socket left by a previous run; refuses to remove anything that is not a socket. */
function prepareSocket(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket: move it away`);
  unlinkSync(path);
}

/**
 * Starts the plugin: Plugin.Activate, AuthZPlugin.AuthZReq and AuthZPlugin.AuthZRes
 * over HTTP on a unix socket only root can reach. Refuses to start without a valid
 * policy (the error names line and column).
 */
export async function startPlugin(options: PluginOptions): Promise<RunningPlugin> {
  const watcher = new PolicyWatcher(options.policyPath, loadPolicyFile(options.policyPath), options.log);
  const store = await CaStore.open(options.stateDir, { readonly: true });
  const audit = new AuditLog(options.auditPath, options.auditStdout);
  audit.open();
  const inputs = {
    inventory: store,
    accounts: new SystemAccounts(),
    docker: options.docker ?? new DockerSocketLookup(options.dockerSocket),
    paths: options.paths ?? realHostPaths,
  };

  const authorize = async (raw: string): Promise<{ Allow: boolean; Msg?: string; Err?: string }> => {
    let decision: Decision;
    try {
      decision = await decide(decodeAuthzRequest(JSON.parse(raw)), { ...inputs, policy: watcher.get() });
    } catch (error) {
      options.log(`failed to decide a request: ${(error as Error).message}`);
      return { Allow: false, Msg: `dockauth could not read this request (${(error as Error).message}); denied to be safe` };
    }
    if (decision.user !== null) {
      try {
        audit.write(auditRecord(decision, new Date()));
      } catch (error) {
        options.log(`failed to write the audit log ${options.auditPath}: ${(error as Error).message}`);
        if (options.auditFailure === 'deny') return { Allow: false, Msg: 'the audit log cannot be written, so nothing is allowed: tell your administrator' };
      }
    }
    return decision.allow ? { Allow: true } : { Allow: false, Msg: decision.message };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      switch (req.url) {
        case '/Plugin.Activate':
          return reply(res, 200, { Implements: ['authz'] });
        case '/AuthZPlugin.AuthZReq':
          return reply(res, 200, await authorize(raw));
        case '/AuthZPlugin.AuthZRes':
          // Responses pass: every decision is made on the request.
          return reply(res, 200, { Allow: true });
        default:
          return reply(res, 404, { Err: `unknown plugin endpoint ${req.url}` });
      }
    })().catch((error: Error) => {
      options.log(`failed to answer ${req.url}: ${error.message}`);
      if (!res.headersSent) reply(res, 200, { Allow: false, Msg: 'dockauth failed on this request; denied to be safe' });
    });
  });
  prepareSocket(options.socket);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socket, () => resolve());
  });
  chmodSync(options.socket, 0o600);
  const onHangup = (): void => audit.reopen();
  process.on('SIGHUP', onHangup);
  options.log(`dockauth authz listening on ${options.socket} (policy ${options.policyPath}, sha256 ${watcher.get().sha256.slice(0, 12)})`);
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        process.off('SIGHUP', onHangup);
        server.close(() => {
          audit.close();
          store.close();
          resolve();
        });
      }),
  };
}
