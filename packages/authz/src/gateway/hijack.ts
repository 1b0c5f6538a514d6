import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { MAX_AUTHZ_REQUEST_BYTES } from '../protocol/fair-scheduling.js';
import { parseRequestUri } from '../decode/request-path.js';
import { matchRoute } from '../engine/routes.js';
import type { GatewayJudgement } from './gateway-decision.js';
import { forwardedHeaders, rawRequestHead, type Forwarded } from './forwarding.js';

/** The user's certificate on a connection: its CN as dockerd takes it (the last one), and its PEM. */
export interface Peer {
  commonName: string | undefined;
  pem: string;
}

const peers = new WeakMap<object, Peer>();

export function peerOf(socket: TLSSocket): Peer {
  let peer = peers.get(socket);
  if (!peer) {
    const certificate = socket.getPeerCertificate(false);
    const cn = certificate?.subject?.CN as string | string[] | undefined;
    // The server only completes handshakes with a certificate its CA signed: there is one.
    peer = { commonName: Array.isArray(cn) ? cn[cn.length - 1] : cn, pem: certificate?.raw ? new X509Certificate(certificate.raw).toString() : '' };
    peers.set(socket, peer);
  }
  return peer;
}

/** The whole body, or null when it is over `limit` (the rest is not read). */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.pause();
        resolve(null);
      } else chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Answers on a connection taken over for an upgrade, and closes it. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ message });
  const reason = status === 404 ? 'Not Found' : status === 403 ? 'Forbidden' : status === 400 ? 'Bad Request' : 'Error';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The body of an upgrade request (exec start's JSON), read off the raw connection; null when over the limit. */
function upgradeBody(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<{ body: Buffer; rest: Buffer } | null> {
  const length = Number(request.headers['content-length'] ?? 0);
  if (!Number.isInteger(length) || length < 0 || length > MAX_AUTHZ_REQUEST_BYTES || request.headers['transfer-encoding'] !== undefined) return Promise.resolve(null);
  let buffered = head;
  if (buffered.length >= length) return Promise.resolve({ body: buffered.subarray(0, length), rest: buffered.subarray(length) });
  return new Promise((resolve) => {
    // A body that never comes does not hold the connection (and its buffer) for ever.
    const timer = setTimeout(() => {
      socket.off('data', onData);
      resolve(null);
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < length) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
      resolve({ body: buffered.subarray(0, length), rest: buffered.subarray(length) });
    };
    socket.on('data', onData);
    socket.once('close', () => resolve(null));
  });
}

/** The only routes dockerd hijacks a connection on. */
const HIJACKED = new Set(['container.attach', 'exec.start']);

function routeAction(request: IncomingMessage): string | undefined {
  const path = parseRequestUri(request.url ?? '');
  return typeof path === 'string' ? undefined : matchRoute(request.method ?? '', path.path)?.route.action;
}

export interface HijackContext {
  decide(request: IncomingMessage, body: Buffer | undefined): Promise<GatewayJudgement>;
  refusal(judged: GatewayJudgement): { status: number; message: string };
  sign(method: string, forward: Forwarded): string;
  connect: () => ConnectionOptions & { host: string; port: number };
  log(line: string): void;
}

/**
 * An attach or exec start: the client asks to take the connection over (Upgrade: tcp) and
 * dockerd answers 101, then both ends speak the raw stream. It is judged like any request;
 * once allowed, the gateway writes the request out again to dockerd on a connection of
 * its own and joins the two, byte for byte, both ways.
 */
export async function hijack(request: IncomingMessage, socket: Duplex, head: Buffer, context: HijackContext): Promise<void> {
  // A client that attaches no stdin closes its sending side at once (CloseWrite): the answer, and
  // the output after it, must still reach it.
  (socket as Duplex & { allowHalfOpen: boolean }).allowHalfOpen = true;
  if (!HIJACKED.has(routeAction(request) ?? '') || String(request.headers.upgrade ?? '').toLowerCase() !== 'tcp') {
    // Judged anyway, for the reason a refusal gives (BuildKit's h2c says what to use instead); never forwarded.
    const judged = await context.decide(request, undefined);
    if (!judged.decision.allow) return refuseUpgrade(socket, context.refusal(judged).status, context.refusal(judged).message);
    return refuseUpgrade(socket, 400, 'dockauth gateway: only docker attach and exec start take a connection over (Upgrade: tcp); send other requests without Upgrade');
  }
  const read = await upgradeBody(request, socket, head);
  if (read === null) return refuseUpgrade(socket, 403, `authorization denied by dockauth: the request body could not be read (send it with a Content-Length, under ${MAX_AUTHZ_REQUEST_BYTES / 1024} KiB)`);
  const judged = await context.decide(request, read.body.length > 0 ? read.body : undefined);
  if (!judged.decision.allow || !judged.forward) {
    const { status, message } = context.refusal(judged);
    return refuseUpgrade(socket, status, message);
  }
  const headers: Record<string, string> = { ...forwardedHeaders(request.headers, judged.route, judged.forward, context.sign(request.method ?? '', judged.forward)), connection: 'Upgrade', upgrade: 'tcp' };
  if (judged.route?.body !== 'json') delete headers['content-length'];
  const upstream = connect({ ...context.connect(), checkServerIdentity: () => undefined, allowHalfOpen: true } as ConnectionOptions);
  const closeBoth = (error?: Error): void => {
    if (error) context.log(`an attached stream ended with an error: ${error.message}`);
    upstream.destroy();
    socket.destroy();
  };
  upstream.on('error', closeBoth);
  socket.on('error', closeBoth);
  upstream.once('secureConnect', () => {
    upstream.write(rawRequestHead(request.method ?? 'POST', judged.forward!.uri, { ...headers, connection: 'Upgrade, close' }));
    if (judged.forward!.body) upstream.write(judged.forward!.body);
  });
  // Nothing of the client's goes on until dockerd has taken the connection over (101): before that,
  // dockerd would read those bytes as further requests, made on the gateway's certificate.
  awaitSwitch(upstream).then(({ head, after }) => {
    socket.write(head);
    if (!/^HTTP\/1\.[01] 101 /.test(head.toString('latin1'))) {
      // Refused or failed: dockerd's answer, then both connections end.
      upstream.pipe(socket);
      return;
    }
    if (after.length > 0) socket.write(after);
    if (read.rest.length > 0) upstream.write(read.rest);
    upstream.pipe(socket);
    socket.pipe(upstream);
    socket.resume();
  }, closeBoth);
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** dockerd's answer head (up to the blank line), and whatever came after it in the same reads. */
function awaitSwitch(upstream: Duplex): Promise<{ head: Buffer; after: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf(HEAD_END);
      if (end < 0) {
        if (buffered.length > 64 * 1024) reject(new Error('dockerd\'s answer head is too long'));
        return;
      }
      upstream.off('data', onData);
      upstream.pause();
      resolve({ head: buffered.subarray(0, end + HEAD_END.length), after: buffered.subarray(end + HEAD_END.length) });
    };
    upstream.on('data', onData);
    upstream.once('end', () => reject(new Error('dockerd closed the connection without answering')));
  });
}
