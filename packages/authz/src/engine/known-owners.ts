import { parseRequestUri } from '../decode/request-path.js';
import type { AuthzResponse } from '../protocol/authz-request.js';

const FULL_ID = /^[0-9a-f]{64}$/;

/**
 * Owners of the containers this plugin saw created. The AuthZRes of a create that dockerd
 * carried out names the new container's ID, and the create was allowed only because the
 * container is its user's (label or uid, neither of which can change). Later calls on that
 * ID then need no look-up over dockerd's root socket. Only full IDs are kept: a name or a
 * prefix can come to mean another container.
 */
export class KnownOwners {
  private readonly owners = new Map<string, string>();

  constructor(private readonly capacity = 100_000) {}

  remember(id: string, user: string): void {
    if (!FULL_ID.test(id)) return;
    if (this.owners.size >= this.capacity) this.owners.clear();
    this.owners.set(id, user);
  }

  /** The owner, when `reference` is the full ID of a container seen created; else undefined (look it up). */
  ownerOf(reference: string): string | undefined {
    return FULL_ID.test(reference) ? this.owners.get(reference) : undefined;
  }
}

/** What dockerd tells the plugin after carrying out a request (AuthZRes), as far as learning needs it. */
export type ApiResponse = Pick<AuthzResponse, 'user' | 'method' | 'uri' | 'statusCode' | 'responseBody'>;

/** Records the owner of a container a TLS user just created; every other response teaches nothing. */
export function learnFromResponse(response: ApiResponse, owners: KnownOwners): void {
  if (!response.user || response.method !== 'POST' || response.statusCode !== 201 || response.responseBody === undefined) return;
  const path = parseRequestUri(response.uri);
  if (typeof path === 'string' || path.path !== '/containers/create') return;
  let created: unknown;
  try {
    created = JSON.parse(response.responseBody.toString('utf8'));
  } catch {
    return;
  }
  const id = (created as { Id?: unknown } | null)?.Id;
  if (typeof id === 'string') owners.remember(id, response.user);
}
