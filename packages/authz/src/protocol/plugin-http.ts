import { createServer, type Server, type Socket } from 'node:net';

export const PLUGIN_CONTENT_TYPE = 'application/vnd.docker.plugins.v1+json';
/** A 1 MiB request body arrives base64-encoded inside dockerd's JSON envelope. */
export const MAX_REQUEST_BODY = 8 * 1024 * 1024;
const MAX_HEAD = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

export interface PluginReply {
  status: number;
  /** Serialized as JSON; or bytes already serialized. */
  body: object | Buffer;
}

/**
 * Answers one call: `path` is the request target ("/AuthZPlugin.AuthZReq"), `body` its bytes.
 * A body over the server's `largeBody` arrives as its first KEPT_OF_LARGE bytes only, with
 * `length` its real size: its bytes are counted as they arrive and dropped, not held.
 */
export type PluginHandler = (path: string, body: Buffer, length: number, tail?: Buffer) => PluginReply | Promise<PluginReply>;

/** What is kept of a body over the large-body size: its first bytes (the first fields) and its last (the peer certificates). */
export const KEPT_OF_LARGE = 4096;
export const KEPT_TAIL_OF_LARGE = 16 * 1024;

class HttpRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Content Too Large', 417: 'Expectation Failed', 500: 'Internal Server Error', 501: 'Not Implemented' };

/** The bytes of one response: a single write, so a reply never interleaves with another. */
function encodeReply(reply: PluginReply, close = false): Buffer {
  const body = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(JSON.stringify(reply.body));
  const head =
    `HTTP/1.1 ${reply.status} ${REASONS[reply.status] ?? 'Status'}\r\n` +
    `Content-Type: ${PLUGIN_CONTENT_TYPE}\r\nContent-Length: ${body.length}\r\n` +
    (close ? 'Connection: close\r\n' : '') +
    '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

interface RequestHead {
  path: string;
  contentLength: number;
  close: boolean;
}

const REQUEST_LINE = /^POST (\/[\x21-\x7e]*) HTTP\/1\.([01])$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Reads a request head the way dockerd's plugin client (Go net/http) writes it:
 * POST, a Content-Length, no transfer coding. Anything else is refused rather than
 * guessed at: a refused call fails in dockerd, and a failed authorization call is a denial.
 */
function parseHead(text: string): RequestHead {
  const lines = text.split('\r\n');
  const requestLine = REQUEST_LINE.exec(lines[0] as string);
  if (!requestLine) {
    if (/^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(lines[0] as string)) throw new HttpRequestError(405, 'only POST is served');
    throw new HttpRequestError(400, 'malformed request line');
  }
  let contentLength: number | undefined;
  let close = requestLine[2] === '0';
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    // No obsolete line folding, no space before the colon: the smuggling classics.
    if (colon <= 0 || !TOKEN.test(name)) throw new HttpRequestError(400, `malformed header line ${JSON.stringify(line.slice(0, 40))}`);
    const value = line.slice(colon + 1).trim();
    switch (name.toLowerCase()) {
      case 'content-length':
        if (!/^\d{1,10}$/.test(value) || (contentLength !== undefined && contentLength !== Number(value))) throw new HttpRequestError(400, 'bad Content-Length');
        contentLength = Number(value);
        break;
      case 'transfer-encoding':
        throw new HttpRequestError(501, 'transfer codings are not accepted: send a Content-Length');
      case 'expect':
        throw new HttpRequestError(417, 'Expect is not supported');
      case 'connection':
        if (/(^|,)\s*close\s*(,|$)/i.test(value)) close = true;
        break;
      default:
        break;
    }
  }
  const length = contentLength ?? 0;
  if (length > MAX_REQUEST_BODY) throw new HttpRequestError(413, `request body over ${MAX_REQUEST_BODY} bytes`);
  return { path: requestLine[1] as string, contentLength: length, close };
}

/**
 * One connection: requests are answered strictly one at a time and in order, so an
 * answer can never be taken for another request's.
 */
function serveConnection(socket: Socket, handler: PluginHandler, onError: (error: Error) => void, largeBody: number): Connection {
  // Bytes not yet consumed. While a body is awaited they are kept as a list and
  // joined once, so a large body costs one copy rather than one per chunk.
  let chunks: Buffer[] = [];
  let size = 0;
  let head: RequestHead | undefined;
  let busy = false;
  let served = 0;
  let refused = false;
  let closing = false;
  // For a body over largeBody: its first bytes, and how many of the rest are still to come.
  let large: { kept: Buffer; tail: Buffer; remaining: number } | undefined;

  const take = (): Buffer => {
    const all = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
    chunks = [];
    size = 0;
    return all;
  };
  const keep = (rest: Buffer): void => {
    chunks = rest.length > 0 ? [rest] : [];
    size = rest.length;
  };
  const refuse = (error: HttpRequestError): void => {
    refused = true;
    chunks = [];
    size = 0;
    socket.end(encodeReply({ status: error.status, body: { Err: error.message } }, true));
  };

  const answer = (request: RequestHead, reply: PluginReply): void => {
    busy = false;
    served++;
    if (socket.destroyed) return;
    if (request.close || closing) {
      refused = true;
      socket.end(encodeReply(reply, true));
      return;
    }
    socket.write(encodeReply(reply));
    next();
  };

  const next = (): void => {
    if (busy || refused || socket.destroyed) return;
    if (!head) {
      const data = take();
      const headEnd = data.indexOf(HEAD_END);
      if (headEnd > MAX_HEAD || (headEnd < 0 && data.length > MAX_HEAD)) return refuse(new HttpRequestError(400, 'request head too large'));
      if (headEnd < 0) return keep(data);
      try {
        head = parseHead(data.toString('latin1', 0, headEnd));
      } catch (error) {
        if (error instanceof HttpRequestError) return refuse(error);
        throw error;
      }
      keep(data.subarray(headEnd + HEAD_END.length));
      if (head.contentLength > largeBody) large = { kept: Buffer.alloc(0), tail: Buffer.alloc(0), remaining: head.contentLength };
    }
    let body: Buffer;
    let tailOfLarge: Buffer | undefined;
    if (large) {
      const data = take();
      const used = Math.min(data.length, large.remaining);
      if (large.kept.length < KEPT_OF_LARGE) large.kept = Buffer.concat([large.kept, data.subarray(0, Math.min(used, KEPT_OF_LARGE - large.kept.length))]);
      const tail = Buffer.concat([large.tail, data.subarray(0, used)]);
      large.tail = tail.length > KEPT_TAIL_OF_LARGE ? Buffer.from(tail.subarray(tail.length - KEPT_TAIL_OF_LARGE)) : tail;
      large.remaining -= used;
      keep(data.subarray(used));
      if (large.remaining > 0) return;
      body = large.kept;
      tailOfLarge = large.tail;
      large = undefined;
    } else {
      if (size < head.contentLength) return;
      const data = take();
      body = data.subarray(0, head.contentLength);
      keep(data.subarray(head.contentLength));
    }
    const request = head;
    head = undefined;
    busy = true;
    let result: PluginReply | Promise<PluginReply>;
    try {
      result = handler(request.path, body, request.contentLength, tailOfLarge);
    } catch (error) {
      onError(error as Error);
      return answer(request, INTERNAL_ERROR);
    }
    if (result instanceof Promise) {
      result.then(
        (reply) => answer(request, reply),
        (error: Error) => {
          onError(error);
          answer(request, INTERNAL_ERROR);
        },
      );
    } else answer(request, result);
  };

  socket.on('data', (chunk: Buffer) => {
    if (refused) return;
    chunks.push(chunk);
    size += chunk.length;
    next();
  });
  socket.on('error', () => socket.destroy());
  return {
    // A call being decided is answered first, and so is one already on its way: dockerd does not
    // send a request again once it was written (its retry would carry an empty body). A connection
    // that has not yet brought its first request gets a while to bring it; an idle one, a moment
    // for bytes already in the kernel. dockerd then opens a new connection, which waits in the
    // socket's queue when the socket is inherited (systemd) until the next process takes it.
    close: () => {
      if (closing) return;
      closing = true;
      if (busy) return;
      const wait = served === 0 ? FIRST_REQUEST_GRACE_MS : IDLE_GRACE_MS;
      const timer = setTimeout(() => {
        if (!busy) socket.destroy();
      }, wait);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    },
  };
}

interface Connection {
  close(): void;
}

/** When the server closes: how long a new connection may take to bring its first request, and an idle one its next. */
const FIRST_REQUEST_GRACE_MS = 1000;
const IDLE_GRACE_MS = 20;

const INTERNAL_ERROR: PluginReply = { status: 500, body: { Err: 'internal error in the plugin' } };

/**
 * The plugin's HTTP server. dockerd is its only client (the socket is root's, 0600),
 * and it speaks a small, fixed part of HTTP/1.1; serving just that part keeps each
 * decision to one read and one write.
 */
export function createPluginHttpServer(handler: PluginHandler, onError: (error: Error) => void, largeBody = MAX_REQUEST_BODY): PluginHttpServer {
  const connections = new Set<Connection>();
  const server = createServer((socket) => {
    const connection = serveConnection(socket, handler, onError, largeBody);
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });
  return {
    server,
    listen: (where) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        // A path, or a listening socket inherited from systemd ({ fd: 3 }), which is never unlinked on close.
        server.listen(where, () => {
          server.off('error', reject);
          resolve();
        });
      }),
    // dockerd keeps its connections open between calls: close() alone would wait for ever.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of connections) connection.close();
      }),
  };
}

export interface PluginHttpServer {
  readonly server: Server;
  listen(where: string | { fd: number }): Promise<void>;
  close(): Promise<void>;
}
