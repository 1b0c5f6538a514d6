import type { IncomingMessage, ServerResponse } from 'node:http';
import { learnFromResponse } from '../engine/learn-from-response.js';
import type { DockerLookup } from '../engine/lookups.js';
import type { OwnerRecords } from '../engine/owner-records.js';
import { seesEvent, visibleListing, type Viewer } from './visibility.js';

/** Hop-by-hop headers, which belong to one connection and are never passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);
/** A listing larger than this is not filtered in memory: refused rather than shown whole. */
const MAX_LISTING = 64 * 1024 * 1024;

export function passedHeaders(upstream: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  return headers;
}

/** A JSON answer of the gateway's own, in dockerd's error shape. */
export function answer(response: ServerResponse, status: number, message: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ message });
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function collect(upstream: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    upstream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        upstream.destroy();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    upstream.on('end', () => resolve(Buffer.concat(chunks)));
    upstream.on('error', reject);
  });
}

export interface ResponseContext {
  action: string;
  method: string;
  uri: string;
  user: string;
  viewer: () => Promise<Viewer | undefined>;
  records: OwnerRecords;
  docker: DockerLookup;
}

/** Answers held whole to be cut down to what the viewer may see. */
export const LISTINGS = new Set(['container.list', 'volume.list', 'network.list', 'image.list', 'system.df', 'network.inspect']);
/** A line of `docker events` longer than this is no event dockerd writes: dropped. */
const MAX_EVENT_LINE = 1024 * 1024;
/** Events waiting for their owner to be looked up: beyond this, dockerd's stream is paused. */
const MAX_EVENTS_PENDING = 256;
const LEARNT = new Set(['container.create', 'container.exec', 'volume.create', 'network.create']);

/**
 * Passes dockerd's answer on: listings cut to the user's own objects, `docker events`
 * message by message, creations and removals learnt (who made what), the rest streamed
 * through as it comes (logs, exports, saves, pulls).
 */
export async function relayResponse(upstream: IncomingMessage, response: ServerResponse, context: ResponseContext): Promise<void> {
  const status = upstream.statusCode ?? 502;
  const headers = passedHeaders(upstream);
  if (context.action === 'system.ping') headers['builder-version'] = '1'; // the classic builder: BuildKit does not pass
  if (status === 200 && LISTINGS.has(context.action)) {
    const body = await collect(upstream, MAX_LISTING);
    const viewer = await context.viewer();
    if (body === undefined || viewer === undefined) return answer(response, 500, 'dockauth gateway: the listing could not be cut to your own objects, so it is not shown');
    const visible = JSON.stringify(await visibleListing(context.action, JSON.parse(body.toString('utf8')), viewer));
    response.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(visible) });
    response.end(visible);
    return;
  }
  if (status === 200 && context.action === 'system.events') {
    const viewer = await context.viewer();
    if (viewer === undefined) return answer(response, 500, 'dockauth gateway: events could not be cut to your own objects');
    delete headers['content-length'];
    response.writeHead(200, headers);
    response.flushHeaders();
    return relayEvents(upstream, response, viewer);
  }
  const learnt = LEARNT.has(context.action) || (context.method === 'DELETE' && status >= 200 && status < 300);
  if (learnt && status < 300) {
    const body = await collect(upstream, 1024 * 1024);
    await learnFromResponse({ user: context.user, method: context.method, uri: context.uri, statusCode: status, responseBody: body }, context.records, context.docker);
    response.writeHead(status, headers);
    response.end(body);
    return;
  }
  response.writeHead(status, headers);
  // dockerd sends a wait's or a follow's headers at once, and clients wait for them before going on.
  response.flushHeaders();
  upstream.pipe(response);
}

/** dockerd writes one JSON message per line; each goes on only if it is about the viewer's things, in order. */
function relayEvents(upstream: IncomingMessage, response: ServerResponse, viewer: Viewer): Promise<void> {
  let pending = '';
  let chain = Promise.resolve();
  let waiting = 0;
  response.on('close', () => upstream.destroy());
  // A client that does not read, or events faster than their owners are looked up, pause dockerd's stream.
  const paceUpstream = (): void => {
    if (waiting > MAX_EVENTS_PENDING || response.writableNeedDrain) upstream.pause();
    else upstream.resume();
  };
  response.on('drain', paceUpstream);
  upstream.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    if (pending.length > MAX_EVENT_LINE) pending = '';
    for (const line of lines) {
      if (line.trim() === '' || line.length > MAX_EVENT_LINE) continue;
      waiting += 1;
      chain = chain.then(async () => {
        try {
          const event = JSON.parse(line) as Record<string, unknown>;
          if (await seesEvent(event, viewer)) response.write(`${line}\n`);
        } catch {
          // not an event: dropped
        } finally {
          waiting -= 1;
          paceUpstream();
        }
      });
    }
    paceUpstream();
  });
  return new Promise((resolve) => {
    upstream.on('end', () => void chain.then(() => {
      response.end();
      resolve();
    }));
    upstream.on('error', () => {
      response.destroy();
      resolve();
    });
  });
}
