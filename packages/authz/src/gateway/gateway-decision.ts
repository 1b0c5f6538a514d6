import { randomUUID } from 'node:crypto';
import { BodyDecodeError, parseGoJson, type GoValue } from '../decode/go-json.js';
import { header, parseGoQuery } from '../decode/request-inputs.js';
import { parseRequestUri } from '../decode/request-path.js';
import { evaluate, type Decision, type DecisionInputs } from '../engine/decide.js';
import { effectiveRules } from '../engine/effective-rules.js';
import { checkIdentity } from '../engine/identity.js';
import { matchRoute, type Route } from '../engine/routes.js';
import { encodeBody } from './canonical-json.js';
import { fillIn } from './fill-in.js';
import { forwardedUri, type Forwarded } from './forwarding.js';

const UTF8 = new TextDecoder();

/** A request as it reached the gateway, with the certificate the user connected with. */
export interface GatewayRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The body of a JSON route (or what was sent on a route that takes none); undefined for streams. */
  body: Buffer | undefined;
  /** The certificate's CN, as dockerd would take it, and the certificate (PEM). */
  commonName: string | undefined;
  certificatePem: string;
}

export interface GatewayJudgement {
  decision: Decision;
  route: Route | undefined;
  /** The object the path names (a container, volume, ...), for "no such ..." answers. */
  target: string | undefined;
  /** What goes to dockerd, when allowed. */
  forward?: Forwarded;
}

/** BuildKit's session and gRPC endpoints, and HTTP/2, are refused with what to use instead. */
const BUILDKIT = 'BuildKit (docker buildx, a build\'s /session and /grpc, HTTP/2) is not available through dockauth: build with the classic builder, DOCKER_BUILDKIT=0 docker build';

/**
 * The gateway's decision: the certificate as the plugin checks it, then what the user left
 * out filled in, the request written out again from its decoded values, and that request
 * (the one dockerd will get) judged by the same rules the plugin applies.
 */
export async function judge(request: GatewayRequest, inputs: DecisionInputs): Promise<GatewayJudgement> {
  const base: Omit<Decision, 'allow' | 'message'> = {
    id: randomUUID(), user: request.commonName ?? '', serial: null, method: request.method, endpoint: request.url, action: 'unknown', rule: '', policySha256: inputs.policy?.sha256 ?? null, decidedBy: 'gateway',
  };
  const deny = (message: string, rule: string, route?: Route, target?: string): GatewayJudgement => ({ decision: { ...base, allow: false, message: `${message} [dockauth ${base.id.slice(0, 8)}]`, rule }, route, target });
  if (!request.commonName) return deny('the client certificate names no user: ask your administrator for a certificate of your own', 'identity');
  const identity = checkIdentity(request.commonName, [request.certificatePem], inputs.inventory, inputs.now);
  base.serial = identity.serial;
  if (!identity.ok) return deny(identity.reason, 'identity');
  const user = request.commonName;

  const path = parseRequestUri(request.url);
  if (typeof path === 'string') return deny(path, 'request path');
  const upgrade = header(request.headers, 'upgrade')?.toLowerCase();
  if (path.path === '/session' || path.path === '/grpc' || upgrade === 'h2c' || request.method === 'PRI') return deny(BUILDKIT, 'buildkit');
  const match = matchRoute(request.method, path.path);
  const query = parseGoQuery(path.rawQuery);
  let body: GoValue | undefined;
  try {
    if (match?.route.body === 'json' && request.body !== undefined && request.body.length > 0) body = parseGoJson(UTF8.decode(request.body));
  } catch (error) {
    if (!(error instanceof BodyDecodeError)) throw error;
  }
  // Nothing readable to fill in or write out: the original goes to the rules, which say what is wrong.
  if (!match || typeof query === 'string' || (match.route.body === 'json' && body === undefined)) {
    const decision = await evaluate({ user, method: request.method, uri: request.url, body: request.body, headers: request.headers }, identity.groups, inputs, base);
    return decision.allow ? deny('the request could not be read to be forwarded', 'request inputs', match?.route) : { decision, route: match?.route, target: match?.target };
  }

  let filled = { body, query, filled: [] as string[] };
  const account = inputs.policy ? await inputs.accounts.lookup(user) : undefined;
  if (account && inputs.policy) {
    const groups = [...new Set([...identity.groups, ...account.groups])];
    try {
      filled = fillIn(match.route.action, body, query, account, effectiveRules(inputs.policy, user, groups));
    } catch (error) {
      if (!(error instanceof BodyDecodeError)) throw error; // a field of the wrong type: judged as sent, and refused
    }
  }
  const uri = forwardedUri(path.version, path.path, filled.query);
  const forwardedBody = filled.body === undefined ? (match.route.body === 'none' ? request.body : undefined) : Buffer.from(encodeBody(filled.body, match.route.fields));
  const headers: Record<string, string> = {};
  const contentType = header(request.headers, 'content-type');
  if (match.route.body === 'json') headers['Content-Type'] = 'application/json';
  else if (contentType !== undefined) headers['Content-Type'] = contentType;
  const decision = await evaluate({ user, method: request.method, uri, body: forwardedBody, headers }, identity.groups, inputs, base);
  decision.filled = filled.filled;
  if (!decision.allow) return { decision, route: match.route, target: match.target };
  return { decision, route: match.route, target: match.target, forward: { uri, body: match.route.body === 'json' ? forwardedBody : undefined, user, serial: identity.serial } };
}
