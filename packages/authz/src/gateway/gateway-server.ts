import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, createServer, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import { pollFile } from '../file-poll.js';
import { AuditLog, auditRecord } from '../audit/audit-log.js';
import { openCertificateStatusSource } from '../certificate-status/certificate-status-source.js';
import { DockerSocketLookup } from '../docker-client.js';
import type { Decision, DecisionInputs } from '../engine/decide.js';
import { effectiveRules } from '../engine/effective-rules.js';
import type { DockerLookup, HostPaths } from '../engine/lookups.js';
import { loadPolicyFile, PolicyWatcher } from '../engine/policy-file.js';
import { matchRoute } from '../engine/routes.js';
import { parseRequestUri } from '../decode/request-path.js';
import { realHostPaths, RootOwnedPathCache, SystemAccounts } from '../host.js';
import { MAX_AUTHZ_REQUEST_BYTES, PerKeyQueue, SMALL_AUTHZ_REQUEST_BYTES } from '../protocol/fair-scheduling.js';
import { judge, type GatewayJudgement } from './gateway-decision.js';
import { GatewayOwnerRecords } from './gateway-records.js';
import { LoadArchiveCheck } from './load-archive.js';
import { forwardedHeaders, type Forwarded } from './forwarding.js';
import { relayKey, signRelay } from '../engine/relayed-identity.js';
import { hijack, peerOf, readBody, refuseUpgrade } from './hijack.js';
import { answer, LISTINGS, relayResponse } from './responses.js';

export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

export interface GatewayOptions {
  /** Where users connect (the address dockerd's TLS listener had): host and port. */
  host: string;
  port: number;
  /** The server certificate users' clients check (server issue), and the CA their certificates chain to. */
  serverTls: TlsFiles;
  /** dockerd's TLS listener on loopback, and the gateway's own client certificate for it. */
  upstream: { host: string; port: number; tls: TlsFiles; /** Where tls was read from: a renewed certificate there is used from the next second on. */ paths?: TlsFiles };
  stateDir: string;
  policyPath: string;
  auditPath: string | undefined;
  auditStdout: boolean;
  auditFailure: 'deny' | 'allow';
  dockerSocket: string;
  /** The plugin's ownership journal for the same dockerd, followed read-only. */
  pluginOwners?: string;
  log: (line: string) => void;
  docker?: DockerLookup;
  paths?: HostPaths;
}

export interface RunningGateway {
  port: number;
  close(): Promise<void>;
}

/** Bodies of routes that read none are read only this far: anything there is refused anyway. */
const SMALL_BODY = 64 * 1024;
/** dockerd's words for each kind of object it cannot find. */
const NOT_FOUND: Record<string, string> = { container: 'No such container', exec: 'No such exec instance', image: 'No such image', volume: 'No such volume', network: 'No such network' };
const notFound = (target: string): string => NOT_FOUND[target] ?? `No such ${target}`;

/**
 * The front door users' docker CLI talks to: the same certificates and address as
 * dockerd's TLS listener, with dockerd (and its plugin) behind it on loopback. Each
 * request is judged as the plugin judges it, with what the policy requires filled in,
 * written out again and forwarded for its user; answers are cut to the user's own objects.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const watcher = new PolicyWatcher(options.policyPath, loadPolicyFile(options.policyPath), options.log);
  // The same live view of the inventory the plugin keeps (a shared inventory's changes within a second).
  const certificates = await openCertificateStatusSource(options.stateDir, { log: options.log });
  const audit = new AuditLog(options.auditPath, options.auditStdout);
  audit.open();
  const records = new GatewayOwnerRecords(options.pluginOwners);
  await records.follow(options.log);
  const docker = options.docker ?? new DockerSocketLookup(options.dockerSocket);
  const accounts = new SystemAccounts();
  const base = { inventory: certificates, accounts, docker, paths: new RootOwnedPathCache(options.paths ?? realHostPaths), records };
  const inputs = (): DecisionInputs => ({ ...base, policy: watcher.get() });
  let upstreamTls: TlsFiles = { ...options.upstream.tls };
  // dockerd's loopback listener: its certificate must chain to our CA; the name is not what it was issued for.
  const makeAgent = (): Agent => new Agent({ keepAlive: true, maxSockets: 256, ...upstreamTls, checkServerIdentity: () => undefined });
  let agent = makeAgent();
  let key = relayKey(upstreamTls.key);
  const sign = (method: string, forward: Forwarded): string => signRelay(key, method, forward.uri, forward.user, forward.serial);
  const paths = options.upstream.paths;
  const stopPolling = paths === undefined ? () => undefined : pollFile(paths.cert, () => {
    try {
      upstreamTls = { ca: readFileSync(paths.ca, 'utf8'), cert: readFileSync(paths.cert, 'utf8'), key: readFileSync(paths.key, 'utf8') };
      const previous = agent;
      agent = makeAgent();
      key = relayKey(upstreamTls.key);
      setTimeout(() => previous.destroy(), 60_000).unref();
      options.log(`the gateway's certificate ${paths.cert} changed: using the new one`);
    } catch (error) {
      options.log(`the gateway's certificate ${paths.cert} changed but cannot be read (${(error as Error).message}): still using the previous one`);
    }
  }, options.log);

  const queue = new PerKeyQueue();
  const listings = new PerKeyQueue();
  const audited = async (decision: Decision): Promise<boolean> => {
    try {
      await audit.append(auditRecord(decision, new Date()));
      return true;
    } catch (error) {
      options.log(`failed to write the audit log ${options.auditPath}: ${(error as Error).message}`);
      return options.auditFailure === 'allow';
    }
  };

  /** The judgement for one request, audited (a refusal too). */
  const decideFor = async (request: IncomingMessage, body: Buffer | undefined): Promise<GatewayJudgement> => {
    const peer = peerOf(request.socket as TLSSocket);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
    const judged = await judge({ method: request.method ?? '', url: request.url ?? '', headers, body, commonName: peer.commonName, certificatePem: peer.pem }, inputs());
    if (!(await audited(judged.decision)) && judged.decision.allow) {
      judged.decision = { ...judged.decision, allow: false, message: 'the audit log cannot be written, so nothing is allowed: tell your administrator' };
      judged.forward = undefined;
    }
    return judged;
  };

  const refusal = (judged: GatewayJudgement): { status: number; message: string } => {
    // Another user's object is answered as dockerd answers for one that does not exist.
    if (judged.route?.target && judged.target && /is not yours|is not an image you may use/.test(judged.decision.message)) return { status: 404, message: `${notFound(judged.route.target)}: ${judged.target}` };
    // `docker inspect NAME` tries every kind of object in turn, plugins last: "no such", as for the others.
    if (judged.decision.action === 'plugin' && judged.decision.method === 'GET' && !judged.decision.allow) return { status: 404, message: `plugin ${judged.target ?? ''} not found` };
    return { status: 403, message: `authorization denied by dockauth: ${judged.decision.message}` };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const route = routeKind(request);
    const body = route === 'stream' ? undefined : await readBody(request, route === 'json' ? MAX_AUTHZ_REQUEST_BYTES : SMALL_BODY);
    if (body === null) {
      const message = `the request body is over what dockauth judges (${MAX_AUTHZ_REQUEST_BYTES / 1024} KiB): send a smaller body (a long environment belongs in a file in your home, mounted)`;
      const peer = peerOf(request.socket as TLSSocket);
      await audited({ id: randomUUID(), allow: false, message, user: peer.commonName ?? '', serial: null, method: request.method ?? '', endpoint: request.url ?? '', action: 'unknown', rule: 'request size', policySha256: watcher.get()?.sha256 ?? null, decidedBy: 'gateway' });
      // The answer goes out first, and the rest of the body is read and dropped: closing on unread
      // bytes would reset the connection, and the client could lose the answer. A body that has not
      // ended 10 s later is cut off.
      response.once('finish', () => {
        request.resume();
        setTimeout(() => {
          if (!request.complete) request.destroy();
        }, 10_000).unref();
      });
      return answer(response, 413, `authorization denied by dockauth: ${message}`);
    }
    // As in the plugin: one user's large requests are judged one at a time, never in front of everyone else's.
    const judged = body !== undefined && body.length > SMALL_AUTHZ_REQUEST_BYTES
      ? await queue.run(peerOf(request.socket as TLSSocket).commonName ?? '', () => decideFor(request, body))
      : await decideFor(request, body);
    if (!judged.decision.allow || !judged.forward) {
      const { status, message } = refusal(judged);
      request.resume();
      return answer(response, status, message);
    }
    const forward = judged.forward;
    const load = judged.decision.action === 'image.load';
    const headers = forwardedHeaders(request.headers, judged.route, forward, sign(request.method ?? '', forward));
    if (load) {
      // The archive goes on re-framed (held entries last, one end marker): its length is dockerd's to count.
      delete headers['content-length'];
      headers['transfer-encoding'] = 'chunked';
    }
    const forwardNow = (): void => {
      const upstream = httpsRequest({ host: options.upstream.host, port: options.upstream.port, method: request.method, path: forward.uri, headers, agent });
      upstream.on('error', (error) => answer(response, 502, `dockauth gateway: dockerd did not answer (${error.message})`));
      response.on('close', () => {
        if (!response.writableFinished) upstream.destroy();
      });
      upstream.on('response', (answerStream) => {
        const user = forward.user;
        relayResponse(answerStream, response, {
          action: judged.decision.action, method: request.method ?? '', uri: forward.uri, user, records, docker,
          viewer: async () => {
            const account = await accounts.lookup(user);
            const policy = watcher.get();
            return account && policy ? { account, rules: effectiveRules(policy, user, account.groups), records, docker } : undefined;
          },
        }).catch((error: Error) => answer(response, 500, `dockauth gateway: ${error.message}`));
      });
      if (load) {
        const check = new LoadArchiveCheck(forward.user, docker);
        check.on('error', (error) => {
          upstream.destroy();
          const refused = { ...judged.decision, allow: false, message: `${error.message} [dockauth ${judged.decision.id.slice(0, 8)}]`, rule: 'image.load archive' };
          void audited(refused).finally(() => answer(response, 403, `authorization denied by dockauth: ${refused.message}`));
        });
        request.pipe(check).pipe(upstream);
      } else if (judged.route?.body === 'stream') request.pipe(upstream);
      else upstream.end(forward.body);
    };
    // A listing is held whole to be cut down: one user's are answered one at a time, so one user's
    // burst of them cannot fill the gateway's memory.
    if (LISTINGS.has(judged.decision.action)) await listings.run(forward.user, () => new Promise<void>((done) => {
      response.once('close', () => done());
      forwardNow();
    }));
    else forwardNow();
  };

  const server = createServer({ ca: options.serverTls.ca, cert: options.serverTls.cert, key: options.serverTls.key, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, (request, response) => {
    handle(request, response).catch((error: Error) => {
      options.log(`failed to handle ${request.method} ${request.url}: ${error.message}`);
      answer(response, 500, `dockauth gateway could not handle this request (${error.message}); denied to be safe`);
    });
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    hijack(request, socket, head, {
      decide: decideFor,
      refusal,
      sign,
      connect: () => ({ host: options.upstream.host, port: options.upstream.port, ...upstreamTls }),
      log: options.log,
    }).catch((error: Error) => refuseUpgrade(socket, 500, `dockauth gateway could not handle this request (${error.message})`));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.log(`dockauth gateway listening on ${options.host}:${port}, forwarding to dockerd at ${options.upstream.host}:${options.upstream.port} (policy ${options.policyPath})`);
  return {
    port,
    close: async () => {
      records.stop();
      stopPolling();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      agent.destroy();
      audit.close();
      await certificates.close();
    },
  };
}

/** Which kind of body the request's route reads, before anything is judged: it says how much of it to read. */
export function routeKind(request: Pick<IncomingMessage, 'method' | 'url'>): 'json' | 'none' | 'stream' {
  const path = parseRequestUri(request.url ?? '');
  if (typeof path === 'string') return 'none';
  return matchRoute(request.method ?? '', path.path)?.route.body ?? 'none';
}
