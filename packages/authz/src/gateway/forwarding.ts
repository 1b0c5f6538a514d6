import type { IncomingHttpHeaders } from 'node:http';
import { SERIAL_HEADER, SIGNATURE_HEADER, USER_HEADER } from '../engine/relayed-identity.js';
import type { Route } from '../engine/routes.js';

/** A path segment as a URL carries it; ":" and "@" (image references) are left readable. */
const segment = (text: string): string => encodeURIComponent(text).replace(/%3A/gi, ':').replace(/%40/g, '@');
const component = (text: string): string => encodeURIComponent(text);

/** The URI dockerd gets: the decoded path and query written out again, one spelling for each. */
export function forwardedUri(version: string | undefined, path: string, query: Map<string, string[]>): string {
  const encodedPath = path.split('/').map(segment).join('/');
  const pairs = [...query].flatMap(([key, values]) => values.map((value) => `${component(key)}=${component(value)}`));
  return `${version === undefined ? '' : `/v${version}`}${encodedPath}${pairs.length > 0 ? `?${pairs.join('&')}` : ''}`;
}

/**
 * Client headers dockerd reads for these routes, passed on as they are: the registry
 * credentials of a pull, push or build (dockerd never shows them to a plugin), and what
 * identifies the client. Every other header is dropped, the user's own X-Dockauth-* first.
 */
const PASSED = ['x-registry-auth', 'x-registry-config', 'user-agent', 'accept'];

export interface Forwarded {
  uri: string;
  /** The judged body (JSON routes), or undefined: none, or a stream piped as it comes. */
  body: Buffer | undefined;
  user: string;
  serial: string;
}

/** The headers of the request as forwarded: what was judged, for whom, and nothing else. */
export function forwardedHeaders(client: IncomingHttpHeaders, route: Route | undefined, forwarded: Forwarded, signature: string): Record<string, string> {
  const headers: Record<string, string> = { host: 'dockerd' };
  for (const name of PASSED) {
    const value = client[name];
    if (typeof value === 'string') headers[name] = value;
  }
  if (route?.body === 'json') {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(forwarded.body?.length ?? 0);
  } else if (route?.body === 'stream') {
    if (typeof client['content-type'] === 'string') headers['content-type'] = client['content-type'];
    if (typeof client['content-length'] === 'string') headers['content-length'] = client['content-length'];
    else if (client['transfer-encoding'] !== undefined) headers['transfer-encoding'] = 'chunked';
  }
  headers[USER_HEADER.toLowerCase()] = forwarded.user;
  headers[SERIAL_HEADER.toLowerCase()] = forwarded.serial;
  headers[SIGNATURE_HEADER.toLowerCase()] = signature;
  return headers;
}

/** The request line and headers written straight onto a connection (a hijacked attach or exec start). */
export function rawRequestHead(method: string, uri: string, headers: Record<string, string>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value.replace(/[\r\n]/g, '')}`);
  return `${method} ${uri} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}
