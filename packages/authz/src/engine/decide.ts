import { randomUUID } from 'node:crypto';
import { BodyDecodeError, parseGoJson, type GoValue } from '../decode/go-json.js';
import { unknownFields } from '../decode/known-fields.js';
import { decodeRequestInputs, mediaType, type RequestInputs } from '../decode/request-inputs.js';
import { MIN_API_VERSION, compareVersions, parseRequestUri } from '../decode/request-path.js';
import type { AuthzRequest } from '../protocol/authz-request.js';
import { actionProblems } from './action-problems.js';
import { actionAllowed, effectiveRules } from './effective-rules.js';
import { checkIdentity, type Inventory } from './identity.js';
import { fromGateway, relayedIdentity } from './relayed-identity.js';
import type { Account, DockerLookup, HostPaths } from './lookups.js';
import type { OwnerRecords } from './owner-records.js';
import type { Policy } from './policy.js';
import type { RuleContext } from './rule-context.js';
import { matchRoute } from './routes.js';

/**
 * Actions the plugin alone cannot make safe, and the gateway can: allowed by the policy, they
 * pass only through the gateway (directly to dockerd they are refused, saying why).
 */
const GATEWAY_ONLY: Record<string, string> = {
  'system.events': 'dockerd would show you every user\'s events, and only the gateway cuts them to your own',
  'image.load': 'the plugin cannot see which names an archive would take, and the gateway checks them',
};

// Invalid UTF-8 becomes U+FFFD, as Go's decoder reads it.
const UTF8 = new TextDecoder();

/** One decision, with everything the audit record and the user's message need. */
export interface Decision {
  id: string;
  allow: boolean;
  /** What the user sees after "authorization denied by plugin dockauth: ". */
  message: string;
  /** The user dockerd named (the certificate's CN; "" for a certificate without one), null on the root socket. */
  user: string | null;
  serial: string | null;
  method: string;
  /** The path without its version prefix, as the route table matched it. */
  endpoint: string;
  action: string;
  /** Which rule decided: "root socket", "policy base+groups.lab", "no route", ... */
  rule: string;
  policySha256: string | null;
  /** Which component decided: the plugin (dockerd's call) or the gateway (before forwarding). */
  decidedBy?: 'plugin' | 'gateway';
  /** Set when the plugin judged a request the gateway forwarded for `user`. */
  via?: 'gateway';
  /** What the gateway filled in that the user left out ("User", "SecurityOpt", ...). */
  filled?: string[];
}

export interface DecisionInputs {
  policy: Policy | undefined;
  inventory: Inventory;
  accounts: { lookup(user: string): Promise<Account | undefined> | Account | undefined };
  docker: DockerLookup;
  paths: HostPaths;
  /** Who made what, learnt from dockerd's answers (the plugin server's); without it, every check looks up. */
  records?: OwnerRecords;
  /** The gateway's client certificate (DER): requests it makes are judged for the user it names. */
  gatewayCertificate?: Buffer;
  /** The key the gateway signs the users it names with (relayed-identity.ts). */
  relayKey?: Buffer;
  now?: Date;
}

/** Whether dockerd named the request's user from a TLS certificate (else it came over the root-only socket). */
export function cameOverTls(request: Pick<AuthzRequest, 'user' | 'authMethod' | 'peerCertificates'>): boolean {
  return Boolean(request.user) || Boolean(request.authMethod) || request.peerCertificates.length > 0;
}

/**
 * Decides one AuthZReq. Deny by default: a request is allowed only when its
 * route is known, the user's certificate is valid and theirs, the policy allows
 * the action, and the request's inputs and target pass the action's rules. When
 * anything cannot be read or looked up, the answer is no, and says why.
 */
export async function decide(request: AuthzRequest, inputs: DecisionInputs): Promise<Decision> {
  const tls = cameOverTls(request);
  const base: Omit<Decision, 'allow' | 'message'> = { id: randomUUID(), user: tls ? (request.user ?? '') : null, serial: null, method: request.method, endpoint: request.uri, action: 'unknown', rule: '', policySha256: inputs.policy?.sha256 ?? null };
  const deny = (message: string, rule: string): Decision => ({ ...base, allow: false, message: `${message} [dockauth ${base.id.slice(0, 8)}]`, rule });

  if (!tls) return { ...base, allow: true, message: '', action: 'admin', rule: 'root socket (no TLS user)' };
  // A certificate our CA signed without a CN reaches the plugin as User "" over TLS: nobody's.
  if (!request.user) return deny('the client certificate names no user: ask your administrator for a certificate of your own', 'identity');
  if (request.authMethod !== 'TLS') return deny(`unknown authentication method ${JSON.stringify(request.authMethod ?? '')}`, 'identity');
  const identity = checkIdentity(request.user, request.peerCertificates, inputs.inventory, inputs.now, inputs.policy?.inventory.unreachableGraceMs ?? 0);
  base.serial = identity.serial;
  if (!identity.ok) return deny(identity.reason, 'identity');
  if (fromGateway(request.peerCertificates, inputs.gatewayCertificate)) {
    // The same rules again, for the user the gateway forwards for, on the request as rewritten.
    const relayed = relayedIdentity(request, inputs.relayKey, inputs.inventory, inputs.now);
    Object.assign(base, { user: relayed.user, serial: relayed.serial, via: 'gateway' });
    if (!relayed.ok) return deny(relayed.reason, 'identity');
    return evaluate({ ...request, user: relayed.user }, relayed.groups, inputs, base);
  }

  return evaluate(request, identity.groups, inputs, base);
}

/**
 * The refusal of a request too large to judge without holding up everyone else's (see
 * protocol/fair-scheduling.ts): the user and certificate are still checked, for the record.
 */
export function oversizeDecision(
  request: { user: string; method: string; uri: string; certificatePem: string | undefined },
  bytes: number,
  limit: number,
  inputs: Pick<DecisionInputs, 'inventory' | 'policy' | 'now'>,
): Decision {
  const id = randomUUID();
  const path = parseRequestUri(request.uri);
  const endpoint = typeof path === 'string' ? request.uri : path.path;
  const action = typeof path === 'string' ? 'unknown' : (matchRoute(request.method, path.path)?.route.action ?? 'unknown');
  const identity = request.user && request.certificatePem ? checkIdentity(request.user, [request.certificatePem], inputs.inventory, inputs.now, inputs.policy?.inventory.unreachableGraceMs ?? 0) : undefined;
  const message = `the request is ${Math.ceil(bytes / 1024)} KiB, over what dockauth judges (${Math.floor(limit / 1024)} KiB): send a smaller body (a long environment belongs in a file in your home, mounted) [dockauth ${id.slice(0, 8)}]`;
  return { id, allow: false, message, user: request.user, serial: identity?.serial ?? null, method: request.method, endpoint, action, rule: 'request size', policySha256: inputs.policy?.sha256 ?? null };
}

/**
 * Judges a request for a user whose identity is settled (decide checks the
 * certificate first; `dockauth authz check` checks it too, then explains).
 */
export async function evaluate(
  request: Pick<AuthzRequest, 'user' | 'method' | 'uri' | 'body' | 'headers'>,
  certificateGroups: readonly string[],
  inputs: Omit<DecisionInputs, 'inventory'>,
  decision?: Omit<Decision, 'allow' | 'message'>,
): Promise<Decision> {
  const base = decision ?? { id: randomUUID(), user: request.user ?? null, serial: null, method: request.method, endpoint: request.uri, action: 'unknown', rule: '', policySha256: inputs.policy?.sha256 ?? null };
  const deny = (message: string, rule: string): Decision => ({ ...base, allow: false, message: `${message} [dockauth ${base.id.slice(0, 8)}]`, rule });
  const user = request.user as string;
  const path = parseRequestUri(request.uri);
  if (typeof path === 'string') return deny(path, 'request path');
  base.endpoint = path.path;
  if (path.version !== undefined && compareVersions(path.version, MIN_API_VERSION) < 0) {
    return deny(`API version ${path.version} is older than ${MIN_API_VERSION}, the oldest dockauth checks: use a current docker client`, 'api version');
  }
  const match = matchRoute(request.method, path.path);
  if (!match) return deny(`${request.method} ${path.path} is not an endpoint dockauth knows, so it is not allowed`, 'no route');
  const requestInputs = decodeRequestInputs(match.route, path.rawQuery, request.headers, request.body);
  if (typeof requestInputs === 'string') return deny(requestInputs, 'request inputs');
  let action = match.route.action;
  if (action === 'image.pull' && requestInputs.query.has('fromSrc')) action = 'image.import';
  base.action = action;

  if (!inputs.policy) return deny('the plugin has no valid policy loaded: ask your administrator', 'no policy');
  const account = await inputs.accounts.lookup(user);
  if (!account) return deny(`${user} has no account on this host`, 'account');
  const groups = certificateGroups.length === 0 ? account.groups : [...new Set([...certificateGroups, ...account.groups])];
  const rules = effectiveRules(inputs.policy, user, groups);
  const rule = `policy ${rules.sections.join('+')}`;
  if (!actionAllowed(rules, action)) return deny(`${action} is not allowed for ${user} (${request.method} ${path.path})`, rule);
  if (GATEWAY_ONLY[action] && base.via !== 'gateway' && base.decidedBy !== 'gateway') return deny(`${action} is available only through the dockauth gateway: ${GATEWAY_ONLY[action]}`, rule);

  let body: GoValue | undefined;
  if (match.route.body === 'json') {
    // dockerd forwards a body only as application/json, under 1 MiB, with a length: whatever
    // it did not forward (too big, chunked, another type, "Content-Length: 0") it may still read.
    if (request.body === undefined || request.body.length === 0 || mediaType(request.headers) !== 'application/json') {
      return deny('the request body did not reach the plugin, so it cannot be judged (send it as Content-Type: application/json, with a Content-Length, under 1 MiB)', 'body');
    }
    try {
      body = parseGoJson(UTF8.decode(request.body));
    } catch (error) {
      return deny(`the request body is not JSON dockerd would read the same way (${(error as Error).message})`, 'body');
    }
    const unknown = match.route.fields ? unknownFields(body, match.route.fields) : [];
    if (unknown.length > 0) {
      return deny(`the request body has ${unknown.length === 1 ? 'a field' : 'fields'} dockauth does not know (${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}), so it is not allowed: ask your administrator whether dockauth supports this engine's API`, 'body');
    }
  }

  const context: RuleContext = { rules, account, docker: inputs.docker, paths: inputs.paths, records: inputs.records };
  let problems: string[];
  try {
    problems = await actionProblems({ action, targetKind: match.route.target, target: match.target, body, inputs: requestInputs as RequestInputs, version: path.version }, context);
  } catch (error) {
    if (error instanceof BodyDecodeError) return deny(`the request body does not decode as dockerd expects (${error.message})`, 'body');
    return deny(`could not check the request (${(error as Error).message}); denied to be safe`, 'lookup failed');
  }
  if (problems.length > 0) return deny(problems.join('; '), rule);
  return { ...base, allow: true, message: '', rule };
}
