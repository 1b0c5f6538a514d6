/**
 * The Engine API as data: an anchored (method, path) → named action table, from
 * moby's api/server/router for the engines we support (20.10 through 28.5), with
 * every input dockerd reads on that route: its query parameters and what it does
 * with a body. Rules speak of actions, never of URLs. A request that matches no
 * row is denied, and so is a query parameter the row does not name.
 *
 * `target` says what the path parameter names: a container, an exec instance,
 * an image, a volume or a network.
 */
export type BodyKind =
  /** dockerd reads no body (a form-encoded one is still parsed into the query: always refused). */
  | 'none'
  /** a JSON document the plugin must see to judge (forwarded by dockerd under 1 MiB as application/json). */
  | 'json'
  /** a stream the plugin cannot judge (a tar archive): the action alone decides. */
  | 'stream';

import {
  COMMIT_BODY,
  CONTAINER_CREATE_BODY,
  CONTAINER_UPDATE_BODY,
  EXEC_CREATE_BODY,
  EXEC_START_BODY,
  NETWORK_CONNECT_BODY,
  NETWORK_CREATE_BODY,
  NETWORK_DISCONNECT_BODY,
  VOLUME_CREATE_BODY,
  VOLUME_UPDATE_BODY,
  type FieldSpec,
} from '../decode/api-fields.js';

export interface Route {
  method: string;
  pattern: RegExp;
  action: string;
  target?: 'container' | 'exec' | 'image' | 'volume' | 'network' | 'distribution';
  body: BodyKind;
  /** For a JSON body: every key dockerd decodes (decode/api-fields.ts); any other is refused. */
  fields?: Record<string, FieldSpec>;
  /** Query parameters dockerd reads here; a trailing "[]" marks one it reads every value of; "*" any (administrators' routes). */
  query: ReadonlySet<string>;
}

const ID = '([^/]+)';
const NAME = '(.+)'; // moby's {name:.*}: image and container names may contain slashes

interface RowOptions {
  target?: Route['target'];
  body?: BodyKind;
  fields?: Record<string, FieldSpec>;
  query?: string;
}

const row = (method: string, path: string, action: string, options: RowOptions = {}): Route => ({
  method,
  pattern: new RegExp(`^${path}$`),
  action,
  target: options.target,
  body: options.fields ? 'json' : (options.body ?? 'none'),
  fields: options.fields,
  query: new Set((options.query ?? '').split(' ').filter(Boolean)),
});

const C = { target: 'container' } as const;
const LOGS = 'follow stdout stderr since until timestamps tail details';
const ATTACH = 'detachKeys logs stream stdin stdout stderr';

export const ROUTES: readonly Route[] = [
  // system
  row('GET', '/_ping', 'system.ping'),
  row('HEAD', '/_ping', 'system.ping'),
  row('GET', '/version', 'system.version'),
  row('GET', '/info', 'system.info'),
  row('GET', '/system/df', 'system.df', { query: 'type[] verbose' }),
  row('GET', '/events', 'system.events', { query: 'since until filters' }),
  // dockerd never forwards /auth's body to a plugin: it cannot be judged.
  row('POST', '/auth', 'system.auth', { body: 'stream' }),
  row('GET', `/distribution/${NAME}/json`, 'distribution.inspect', { target: 'distribution' }),
  row('POST', '/session', 'session', { body: 'stream' }),
  row('POST', '/grpc', 'grpc', { body: 'stream' }),

  // containers
  row('GET', '/containers/json', 'container.list', { query: 'all limit size filters before since' }),
  row('POST', '/containers/create', 'container.create', { fields: CONTAINER_CREATE_BODY, query: 'name platform' }),
  row('POST', '/containers/prune', 'container.prune', { query: 'filters' }),
  row('GET', `/containers/${NAME}/json`, 'container.inspect', { ...C, query: 'size' }),
  row('GET', `/containers/${NAME}/logs`, 'container.logs', { ...C, query: LOGS }),
  row('GET', `/containers/${NAME}/top`, 'container.top', { ...C, query: 'ps_args' }),
  row('GET', `/containers/${NAME}/stats`, 'container.stats', { ...C, query: 'stream one-shot' }),
  row('GET', `/containers/${NAME}/changes`, 'container.changes', C),
  row('GET', `/containers/${NAME}/export`, 'container.export', C),
  row('GET', `/containers/${NAME}/archive`, 'container.archive.read', { ...C, query: 'path' }),
  row('HEAD', `/containers/${NAME}/archive`, 'container.archive.read', { ...C, query: 'path' }),
  row('PUT', `/containers/${NAME}/archive`, 'container.archive.write', { ...C, body: 'stream', query: 'path noOverwriteDirNonDir copyUIDGID' }),
  row('GET', `/containers/${NAME}/attach/ws`, 'container.attach', { ...C, query: ATTACH }),
  row('POST', `/containers/${NAME}/attach`, 'container.attach', { ...C, query: ATTACH }),
  row('POST', `/containers/${NAME}/wait`, 'container.wait', { ...C, query: 'condition' }),
  row('POST', `/containers/${NAME}/resize`, 'container.resize', { ...C, query: 'h w' }),
  row('POST', `/containers/${NAME}/start`, 'container.start', { ...C, query: 'detachKeys' }),
  row('POST', `/containers/${NAME}/stop`, 'container.stop', { ...C, query: 't signal' }),
  row('POST', `/containers/${NAME}/restart`, 'container.restart', { ...C, query: 't signal' }),
  row('POST', `/containers/${NAME}/kill`, 'container.kill', { ...C, query: 'signal' }),
  row('POST', `/containers/${NAME}/pause`, 'container.pause', C),
  row('POST', `/containers/${NAME}/unpause`, 'container.unpause', C),
  row('POST', `/containers/${NAME}/rename`, 'container.rename', { ...C, query: 'name' }),
  row('POST', `/containers/${NAME}/update`, 'container.update', { ...C, fields: CONTAINER_UPDATE_BODY }),
  row('POST', `/containers/${NAME}/exec`, 'container.exec', { ...C, fields: EXEC_CREATE_BODY }),
  row('POST', `/containers/${NAME}/checkpoints`, 'container.checkpoint', { ...C, body: 'json' }),
  row('GET', `/containers/${NAME}/checkpoints`, 'container.checkpoint', { ...C, query: 'dir' }),
  row('DELETE', `/containers/${NAME}/checkpoints/${ID}`, 'container.checkpoint', { ...C, query: 'dir' }),
  row('DELETE', `/containers/${NAME}`, 'container.remove', { ...C, query: 'v force link' }),
  row('POST', '/commit', 'container.commit', { fields: COMMIT_BODY, query: 'container repo tag comment author pause changes[]' }),

  // exec instances
  row('POST', `/exec/${ID}/start`, 'exec.start', { target: 'exec', fields: EXEC_START_BODY }),
  row('POST', `/exec/${ID}/resize`, 'exec.resize', { target: 'exec', query: 'h w' }),
  row('GET', `/exec/${ID}/json`, 'exec.inspect', { target: 'exec' }),

  // images
  row('GET', '/images/json', 'image.list', { query: 'all filters digests shared-size manifests filter' }),
  row('GET', '/images/search', 'image.search', { query: 'term limit filters' }),
  row('GET', '/images/get', 'image.save', { query: 'names[] platform[]' }),
  // ?fromSrc= makes it an import, and the name is combined from fromImage and tag: decided by the engine.
  row('POST', '/images/create', 'image.pull', { body: 'stream', query: 'fromImage fromSrc repo tag message changes[] platform' }),
  row('POST', '/images/load', 'image.load', { body: 'stream', query: 'quiet platform[]' }),
  row('POST', '/images/prune', 'image.prune', { query: 'filters' }),
  row('POST', '/build', 'image.build', {
    body: 'stream',
    query: 'dockerfile t[] extrahosts[] remote q nocache cachefrom pull rm forcerm memory memswap cpushares cpusetcpus cpuperiod cpuquota ' +
      'buildargs shmsize squash labels networkmode platform target outputs version session ulimits cgroupparent isolation securityopt[] cpusetmems',
  }),
  row('POST', '/build/prune', 'image.prune', { query: 'all keep-storage filters reserved-space max-used-space min-free-space' }),
  row('POST', '/build/cancel', 'image.build', { query: 'id' }),
  row('GET', `/images/${NAME}/get`, 'image.save', { target: 'image', query: 'platform[]' }),
  row('GET', `/images/${NAME}/history`, 'image.history', { target: 'image', query: 'platform' }),
  row('GET', `/images/${NAME}/json`, 'image.inspect', { target: 'image', query: 'manifests platform' }),
  row('POST', `/images/${NAME}/push`, 'image.push', { target: 'image', query: 'tag platform' }),
  row('POST', `/images/${NAME}/tag`, 'image.tag', { target: 'image', query: 'repo tag' }),
  row('DELETE', `/images/${NAME}`, 'image.remove', { target: 'image', query: 'force noprune platforms[]' }),

  // volumes
  row('GET', '/volumes', 'volume.list', { query: 'filters' }),
  row('POST', '/volumes/create', 'volume.create', { fields: VOLUME_CREATE_BODY }),
  row('POST', '/volumes/prune', 'volume.prune', { query: 'filters' }),
  row('GET', `/volumes/${NAME}`, 'volume.inspect', { target: 'volume' }),
  row('PUT', `/volumes/${NAME}`, 'volume.update', { target: 'volume', fields: VOLUME_UPDATE_BODY, query: 'version' }),
  row('DELETE', `/volumes/${NAME}`, 'volume.remove', { target: 'volume', query: 'force' }),

  // networks
  row('GET', '/networks', 'network.list', { query: 'filters' }),
  row('GET', '/networks/', 'network.list', { query: 'filters' }),
  row('POST', '/networks/create', 'network.create', { fields: NETWORK_CREATE_BODY }),
  row('POST', '/networks/prune', 'network.prune', { query: 'filters' }),
  row('GET', `/networks/${ID}`, 'network.inspect', { target: 'network', query: 'verbose scope' }),
  row('POST', `/networks/${ID}/connect`, 'network.connect', { target: 'network', fields: NETWORK_CONNECT_BODY }),
  row('POST', `/networks/${ID}/disconnect`, 'network.disconnect', { target: 'network', fields: NETWORK_DISCONNECT_BODY }),
  row('DELETE', `/networks/${ID}`, 'network.remove', { target: 'network' }),

  // everything that reaches the whole host or cluster: administrators only unless a policy says otherwise
  ...['GET', 'POST', 'DELETE', 'PUT'].flatMap((method) => [
    ...['plugin', 'swarm', 'node', 'service', 'task', 'secret', 'config'].map((family) =>
      row(method, `/${family}s(/.*)?`.replace('/swarms', '/swarm'), family, { body: 'stream', query: '*' })),
  ]),
];

export interface RouteMatch {
  route: Route;
  /** The path parameter (container, exec, image, volume or network reference), if the route has one. */
  target: string | undefined;
}

export function matchRoute(method: string, path: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, target: route.target ? match[1] : undefined };
  }
  return undefined;
}
