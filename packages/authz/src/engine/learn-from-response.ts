import { parseRequestUri } from '../decode/request-path.js';
import type { AuthzResponse } from '../protocol/authz-request.js';
import type { DockerLookup } from './lookups.js';
import type { OwnerRecords } from './owner-records.js';

/** What dockerd tells the plugin after carrying out a request (AuthZRes), as far as learning needs it. */
export type ApiResponse = Pick<AuthzResponse, 'user' | 'method' | 'uri' | 'statusCode' | 'responseBody'>;

const CREATED: Array<[RegExp, 'container' | 'network' | 'volume', string]> = [
  [/^\/containers\/create$/, 'container', 'Id'],
  [/^\/containers\/[^/]+\/exec$/, 'container', 'Id'],
  [/^\/networks\/create$/, 'network', 'Id'],
  [/^\/volumes\/create$/, 'volume', 'Name'],
];

const REMOVED: Array<[RegExp, 'container' | 'network' | 'volume']> = [
  [/^\/containers\/([0-9a-f]{64})$/, 'container'],
  [/^\/networks\/([0-9a-f]{64})$/, 'network'],
  [/^\/volumes\/(.+)$/, 'volume'],
];

/**
 * Records who made what a TLS user just created (a container, an exec instance, a
 * network, a volume), and forgets what was removed. A container's volumes, named or
 * anonymous, are its maker's too: they are read from dockerd's record of the new
 * container, after the answer (the caller need not wait).
 */
export function learnFromResponse(response: ApiResponse, records: OwnerRecords, docker?: DockerLookup): Promise<void> | undefined {
  if (!response.user) return undefined;
  const path = parseRequestUri(response.uri);
  if (typeof path === 'string') return undefined;
  if (response.method === 'DELETE' && response.statusCode >= 200 && response.statusCode < 300) {
    for (const [pattern, kind] of REMOVED) {
      const match = pattern.exec(path.path);
      if (match) records.forget(kind, decodeURIComponent(match[1] as string));
    }
    return undefined;
  }
  if (response.method !== 'POST' || response.statusCode !== 201 || response.responseBody === undefined) return undefined;
  const created = CREATED.find(([pattern]) => pattern.test(path.path));
  if (!created) return undefined;
  let answer: unknown;
  try {
    answer = JSON.parse(response.responseBody.toString('utf8'));
  } catch {
    return undefined;
  }
  const key = (answer as Record<string, unknown> | null)?.[created[2]];
  if (typeof key !== 'string') return undefined;
  const kind = path.path.endsWith('/exec') ? 'exec' : created[1];
  records.remember(kind, key, response.user);
  if (kind !== 'container' || !docker) return undefined;
  const user = response.user;
  return docker.container(key).then(
    (info) => {
      for (const volume of info?.volumes ?? []) records.remember('volume', volume, user);
    },
    () => undefined,
  );
}
