import { randomUUID } from 'node:crypto';
import { BodyDecodeError, emptyObject, parseGoJson, type GoValue } from '../decode/go-json.js';
import { MIN_API_VERSION, compareVersions, parseRequestUri, queryOf, type ApiPath } from '../decode/request-path.js';
import type { AuthzRequest } from '../protocol/authz-request.js';
import { containerCreateProblems, startProblems } from './container-create.js';
import { checkIdentity, type Inventory } from './identity.js';
import type { KnownOwners } from './known-owners.js';
import type { Account, DockerLookup, HostPaths } from './lookups.js';
import { OWNER_LABEL } from './lookups.js';
import { execCreateProblems, networkConnectProblems, pullProblems, updateProblems, volumeCreateProblems } from './other-bodies.js';
import { actionAllowed, effectiveRules, type Policy } from './policy.js';
import { ownContainerProblem, type RuleContext } from './rule-context.js';
import { matchRoute } from './routes.js';

// Invalid UTF-8 becomes U+FFFD, as Go's decoder reads it.
const UTF8 = new TextDecoder();

/** One decision, with everything the audit record and the user's message need. */
export interface Decision {
  id: string;
  allow: boolean;
  /** What the user sees after "authorization denied by plugin dockauth: ". */
  message: string;
  user: string | null;
  serial: string | null;
  method: string;
  /** The path without its version prefix, as the route table matched it. */
  endpoint: string;
  action: string;
  /** Which rule decided: "root socket", "policy base+groups.lab", "no route", ... */
  rule: string;
  policySha256: string | null;
}

export interface DecisionInputs {
  policy: Policy | undefined;
  inventory: Inventory;
  accounts: { lookup(user: string): Account | undefined };
  docker: DockerLookup;
  paths: HostPaths;
  /** Owners learnt from the responses to creates (the plugin server's); without it, every check looks up. */
  owners?: KnownOwners;
  now?: Date;
}

/**
 * Decides one AuthZReq. Deny by default: a request is allowed only when its
 * route is known, the user's certificate is valid and theirs, the policy allows
 * the action, and the request's body and target pass the action's rules. When
 * anything cannot be read or looked up, the answer is no, and says why.
 */
export async function decide(request: AuthzRequest, inputs: DecisionInputs): Promise<Decision> {
  const base = { id: randomUUID(), user: request.user ?? null, serial: null as string | null, method: request.method, endpoint: request.uri, action: 'unknown', rule: '', policySha256: inputs.policy?.sha256 ?? null };
  const deny = (message: string, rule: string): Decision => ({ ...base, allow: false, message: `${message} [dockauth ${base.id.slice(0, 8)}]`, rule });

  if (!request.user) return { ...base, allow: true, message: '', action: 'admin', rule: 'root socket (no TLS user)' };
  if (request.authMethod !== 'TLS') return deny(`unknown authentication method ${JSON.stringify(request.authMethod ?? '')}`, 'identity');
  const identity = checkIdentity(request.user, request.peerCertificates, inputs.inventory, inputs.now);
  base.serial = identity.serial;
  if (!identity.ok) return deny(identity.reason, 'identity');

  return evaluate(request, identity.groups, inputs, base);
}

/**
 * Judges a request for a user whose identity is settled (decide checks the
 * certificate first; `dockauth authz check` explains a decision without one).
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
  let action = match.route.action;
  if (action === 'image.pull' && queryOf(path).get('fromSrc') !== null) action = 'image.import';
  base.action = action;

  if (!inputs.policy) return deny('the plugin has no valid policy loaded: ask your administrator', 'no policy');
  const account = inputs.accounts.lookup(user);
  if (!account) return deny(`${user} has no account on this host`, 'account');
  const groups = certificateGroups.length === 0 ? account.groups : [...new Set([...certificateGroups, ...account.groups])];
  const rules = effectiveRules(inputs.policy, user, groups);
  const rule = `policy ${rules.sections.join('+')}`;
  if (!actionAllowed(rules, action)) return deny(`${action} is not allowed for ${user} (${request.method} ${path.path})`, rule);

  let body: GoValue | undefined;
  if (match.route.readsBody) {
    if (request.body === undefined) {
      const length = Object.entries(request.headers).find(([key]) => key.toLowerCase() === 'content-length')?.[1];
      if (length !== '0') return deny('the request body did not reach the plugin (send it as Content-Type: application/json, under 1 MiB)', 'body');
    }
    try {
      body = request.body === undefined || request.body.length === 0 ? emptyObject() : parseGoJson(UTF8.decode(request.body));
    } catch (error) {
      return deny(`the request body is not JSON dockerd would read the same way (${(error as Error).message})`, 'body');
    }
  }

  const context: RuleContext = { rules, account, docker: inputs.docker, paths: inputs.paths, owners: inputs.owners };
  let problems: string[] = [];
  try {
    problems = await actionProblems(action, match.route.target, match.target, body, path, context);
  } catch (error) {
    if (error instanceof BodyDecodeError) return deny(`the request body does not decode as dockerd expects (${error.message})`, 'body');
    return deny(`could not check the request (${(error as Error).message}); denied to be safe`, 'lookup failed');
  }
  if (problems.length > 0) return deny(problems.join('; '), rule);
  return { ...base, allow: true, message: '', rule };
}

async function actionProblems(
  action: string,
  targetKind: string | undefined,
  target: string | undefined,
  body: GoValue | undefined,
  path: ApiPath,
  context: RuleContext,
): Promise<string[]> {
  const problems: string[] = [];
  if (targetKind === 'container' && target !== undefined) {
    const problem = await ownContainerProblem(target, context, action);
    if (problem) return [problem];
  }
  if (targetKind === 'exec' && target !== undefined) {
    const container = await context.docker.execContainer(target);
    if (!container) return [`${action}: no exec instance ${target}`];
    const problem = await ownContainerProblem(container, context, action);
    if (problem) return [problem];
  }
  if (targetKind === 'volume' && target !== undefined && action !== 'volume.inspect') {
    const volume = await context.docker.volume(target);
    if (!volume) return [`${action}: no volume ${target}`];
    if (volume.labels[OWNER_LABEL] !== context.account.name) return [`${action}: volume ${target} is not yours (only volumes labelled ${OWNER_LABEL}=${context.account.name})`];
  }
  switch (action) {
    case 'container.create':
      problems.push(...(await containerCreateProblems(body as GoValue, context)));
      break;
    case 'container.start':
      problems.push(...(await startProblems(target as string, context)));
      break;
    case 'container.exec':
      problems.push(...(await execCreateProblems(body as GoValue, context)));
      break;
    case 'container.update':
      problems.push(...updateProblems(body as GoValue));
      break;
    case 'volume.create':
      problems.push(...volumeCreateProblems(body as GoValue, context));
      break;
    case 'network.connect':
    case 'network.disconnect':
      problems.push(...(await networkConnectProblems(body as GoValue, target as string, context)));
      break;
    case 'image.pull':
      problems.push(...pullProblems(queryOf(path), context));
      break;
    default:
      break;
  }
  return problems;
}
