import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:net';
import { dirname, join } from 'node:path';
import { AuditLog, auditRecord } from '../audit/audit-log.js';
import { openCertificateStatusSource } from '../certificate-status/certificate-status-source.js';
import { DockerSocketLookup } from '../docker-client.js';
import { decide, oversizeDecision, type Decision, type DecisionInputs } from '../engine/decide.js';
import { MAX_AUTHZ_REQUEST_BYTES, PerKeyQueue, SMALL_AUTHZ_REQUEST_BYTES, peekCertificate, peekRequest } from './fair-scheduling.js';
import { loadPolicyFile, PolicyWatcher } from '../engine/policy-file.js';
import type { DockerLookup, HostPaths } from '../engine/lookups.js';
import { realHostPaths, RootOwnedPathCache, SystemAccounts } from '../host.js';
import { learnFromResponse } from '../engine/learn-from-response.js';
import { OwnerRecords } from '../engine/owner-records.js';
import { fromGateway, relayedIdentity, relayKey } from '../engine/relayed-identity.js';
import { OwnerJournalFile } from '../owner-journal.js';
import { decodeAuthzRequest, decodeAuthzResponse } from './authz-request.js';
import { createPluginHttpServer, type PluginReply } from './plugin-http.js';
import { checkInheritedSocket } from './socket-activation.js';
import { pollFile } from '../file-poll.js';

export { PLUGIN_CONTENT_TYPE } from './plugin-http.js';

export interface PluginOptions {
  /** Where dockerd looks for the plugin: /run/docker/plugins/dockauth.sock. */
  socket: string;
  /**
   * A listening socket inherited from systemd (socket activation: fd 3), served instead of
   * `socket`. Its file is systemd's: never created, changed or removed here, so requests
   * made while the plugin restarts wait in its queue rather than fail.
   */
  inheritedFd?: number;
  /** The CA state directory (read-only: the inventory for identity and revocation, embedded or shared). */
  stateDir: string;
  /** For tests: how often a shared inventory's connection is checked, and retried. */
  inventoryHeartbeatMs?: number;
  inventoryRetryMs?: number;
  policyPath: string;
  /** Audit file; undefined for none. */
  auditPath: string | undefined;
  auditStdout: boolean;
  /** dockerd's root socket, for ownership and image look-ups. */
  dockerSocket: string;
  /** Where the owners of what users made are kept (per dockerd); undefined keeps them in memory only. */
  ownersPath?: string;
  /** The gateway's client certificate (PEM file): its requests are judged for the user it names. */
  gatewayCertificatePath?: string;
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

const ALLOW: PluginReply = { status: 200, body: Buffer.from(JSON.stringify({ Allow: true })) };
const ACTIVATED: PluginReply = { status: 200, body: Buffer.from(JSON.stringify({ Implements: ['authz'] })) };
// Responses worth parsing: a create (of a container, exec instance, volume or network) or a removal.
const LEARNT = [Buffer.from('/create'), Buffer.from('/exec'), Buffer.from('"DELETE"')];
const deny = (message: string): PluginReply => ({ status: 200, body: { Allow: false, Msg: message } });

/** The DER of the one certificate in a PEM file; a clear error when it is not one. */
function readCertificateDer(path: string): Buffer {
  try {
    return new X509Certificate(readFileSync(path)).raw;
  } catch (error) {
    throw new Error(`failed to read the gateway's certificate ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The key the gateway signs with, from its private key beside its certificate (key.pem, root's). */
function readRelayKey(certificatePath: string): Buffer {
  const path = join(dirname(certificatePath), 'key.pem');
  try {
    return relayKey(readFileSync(path));
  } catch (error) {
    throw new Error(`failed to read the gateway's key ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Replaces a stale socket left by a previous run; refuses to remove anything that is not a socket. */
function prepareSocket(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket: move it away`);
  unlinkSync(path);
}

/** Listens on the inherited socket, or on a socket of its own made 0600; says where. */
async function listen(http: ReturnType<typeof createPluginHttpServer>, options: PluginOptions): Promise<string> {
  if (options.inheritedFd !== undefined) {
    const path = checkInheritedSocket(options.inheritedFd);
    await http.listen({ fd: options.inheritedFd });
    if (path !== options.socket) options.log(`note: the socket systemd passed is ${path}, not ${options.socket}; dockerd finds the plugin by that name`);
    return `${path} (from systemd, fd ${options.inheritedFd})`;
  }
  prepareSocket(options.socket);
  // Created 0600 rather than chmod-ed after: no moment where others could connect.
  const umask = process.umask(0o177);
  try {
    await http.listen(options.socket);
  } finally {
    process.umask(umask);
  }
  chmodSync(options.socket, 0o600);
  return options.socket;
}

/**
 * Starts the plugin: Plugin.Activate, AuthZPlugin.AuthZReq and AuthZPlugin.AuthZRes
 * over HTTP on a unix socket only root can reach. Refuses to start without a valid
 * policy (the error names line and column).
 */
export async function startPlugin(options: PluginOptions): Promise<RunningPlugin> {
  const watcher = new PolicyWatcher(options.policyPath, loadPolicyFile(options.policyPath), options.log);
  const certificates = await openCertificateStatusSource(options.stateDir, { log: options.log, heartbeatMs: options.inventoryHeartbeatMs, retryMs: options.inventoryRetryMs });
  const audit = new AuditLog(options.auditPath, options.auditStdout);
  audit.open();
  const records = new OwnerRecords(options.ownersPath ? new OwnerJournalFile(options.ownersPath) : undefined);
  const inputs: DecisionInputs & { policy?: undefined } = {
    policy: undefined,
    inventory: certificates,
    accounts: new SystemAccounts(),
    docker: options.docker ?? new DockerSocketLookup(options.dockerSocket),
    paths: new RootOwnedPathCache(options.paths ?? realHostPaths),
    records,
    gatewayCertificate: options.gatewayCertificatePath === undefined ? undefined : readCertificateDer(options.gatewayCertificatePath),
    relayKey: options.gatewayCertificatePath === undefined ? undefined : readRelayKey(options.gatewayCertificatePath),
  };

  // A renewed gateway certificate (gateway issue, from the renewal timer) is trusted from the next second on.
  const stopPolling = options.gatewayCertificatePath === undefined ? () => undefined : pollFile(options.gatewayCertificatePath, (pem) => {
    try {
      inputs.gatewayCertificate = new X509Certificate(pem).raw;
      inputs.relayKey = readRelayKey(options.gatewayCertificatePath as string);
      options.log(`the gateway's certificate ${options.gatewayCertificatePath} changed: now trusting the new one`);
    } catch (error) {
      options.log(`the gateway's certificate ${options.gatewayCertificatePath} changed but cannot be read (${(error as Error).message}): still trusting the previous one`);
    }
  }, options.log);
  const queue = new PerKeyQueue();
  const authorize = (raw: Buffer, length: number, tail: Buffer | undefined): Promise<PluginReply> => {
    const peeked = peekRequest(raw);
    if (length > MAX_AUTHZ_REQUEST_BYTES) {
      // Only the head and tail of the call were kept. The root socket's requests are the administrator's.
      if (!peeked.tls) return Promise.resolve(ALLOW);
      const request = { ...peeked, certificatePem: peekCertificate(tail) };
      return audited(oversizeDecision(request, length, MAX_AUTHZ_REQUEST_BYTES, { ...inputs, policy: watcher.get() }));
    }
    if (!peeked.tls || length <= SMALL_AUTHZ_REQUEST_BYTES) return decideAndAudit(raw);
    return queue.run(peeked.user, () => decideAndAudit(raw));
  };

  const decideAndAudit = async (raw: Buffer): Promise<PluginReply> => {
    let decision: Decision;
    try {
      decision = await decide(decodeAuthzRequest(JSON.parse(raw.toString('utf8'))), { ...inputs, policy: watcher.get() });
    } catch (error) {
      options.log(`failed to decide a request: ${(error as Error).message}`);
      return deny(`dockauth could not read this request (${(error as Error).message}); denied to be safe`);
    }
    return audited(decision);
  };

  const audited = async (decision: Decision): Promise<PluginReply> => {
    // Every TLS request is audited, a certificate that names nobody included; the root socket's are not.
    if (decision.user !== null) {
      try {
        await audit.append(auditRecord(decision, new Date()));
      } catch (error) {
        options.log(`failed to write the audit log ${options.auditPath}: ${(error as Error).message}`);
        if (options.auditFailure === 'deny') return deny('the audit log cannot be written, so nothing is allowed: tell your administrator');
      }
    }
    return decision.allow ? ALLOW : deny(decision.message);
  };

  const learn = (raw: Buffer): void => {
    try {
      const response = decodeAuthzResponse(JSON.parse(raw.toString('utf8')));
      // What the gateway made, it made for the user it named (and the request was judged for them).
      const relayed = fromGateway(response.peerCertificates, inputs.gatewayCertificate) ? relayedIdentity(response, inputs.relayKey, certificates) : undefined;
      const user = relayed === undefined ? response.user : relayed.ok ? relayed.user : undefined;
      void learnFromResponse({ ...response, user }, records, inputs.docker);
    } catch (error) {
      options.log(`failed to read a response dockerd reported: ${(error as Error).message}`);
    }
  };

  const http = createPluginHttpServer(
    (path, body, length, tail) => {
      switch (path) {
        case '/Plugin.Activate':
          return ACTIVATED;
        case '/AuthZPlugin.AuthZReq':
          return authorize(body, length, tail);
        case '/AuthZPlugin.AuthZRes':
          // Responses pass: every decision is made on the request. A create's response
          // tells who made the new object, a removal's that it is gone; others are not parsed.
          // A response too large to have been kept whole is no create's (those were judged small).
          if (length === body.length && LEARNT.some((marker) => body.includes(marker))) learn(body);
          return ALLOW;
        default:
          return { status: 404, body: { Err: `unknown plugin endpoint ${path}` } };
      }
    },
    (error) => options.log(`failed to answer a plugin call: ${error.message}`),
    // Larger calls keep only their head: an AuthZReq over the limit is refused unparsed, a response over it teaches nothing.
    MAX_AUTHZ_REQUEST_BYTES + 64 * 1024,
  );
  let where: string;
  try {
    where = await listen(http, options);
  } catch (error) {
    audit.close();
    await certificates.close();
    throw error;
  }
  const onHangup = (): void => audit.reopen();
  process.on('SIGHUP', onHangup);
  options.log(`dockauth authz listening on ${where} (policy ${options.policyPath}, sha256 ${watcher.get().sha256.slice(0, 12)})`);
  return {
    server: http.server,
    close: async () => {
      process.off('SIGHUP', onHangup);
      stopPolling();
      await http.close();
      audit.close();
      await certificates.close();
    },
  };
}
