/**
 * The Engine API as data: an anchored (method, path) → named action table, from
 * moby's api/server/router for the engines we support (20.10 through 28).
 * Rules speak of actions, never of URLs. A request that matches no row is denied.
 *
 * `target` says what the path parameter names: a container, an exec instance,
 * an image, a volume or a network — the engine checks ownership of containers
 * and exec instances.
 */
export interface Route {
  method: string;
  pattern: RegExp;
  action: string;
  target?: 'container' | 'exec' | 'image' | 'volume' | 'network';
  /** dockerd reads a JSON body for this route; without the body the plugin cannot judge it. */
  readsBody?: boolean;
}

const ID = '([^/]+)';
const NAME = '(.+)'; // moby's {name:.*}: image and container names may contain slashes

const row = (method: string, path: string, action: string, extra: Partial<Route> = {}): Route => ({
  method,
  pattern: new RegExp(`^${path}$`),
  action,
  ...extra,
});

export const ROUTES: readonly Route[] = [
  // system
  row('GET', '/_ping', 'system.ping'),
  row('HEAD', '/_ping', 'system.ping'),
  row('GET', '/version', 'system.version'),
  row('GET', '/info', 'system.info'),
  row('GET', '/system/df', 'system.df'),
  row('GET', '/events', 'system.events'),
  row('POST', '/auth', 'system.auth'),
  row('GET', `/distribution/${NAME}/json`, 'distribution.inspect'),
  row('POST', '/session', 'session'),
  row('POST', '/grpc', 'grpc'),

  // containers
  row('GET', '/containers/json', 'container.list'),
  row('POST', '/containers/create', 'container.create', { readsBody: true }),
  row('POST', '/containers/prune', 'container.prune'),
  row('GET', `/containers/${NAME}/json`, 'container.inspect', { target: 'container' }),
  row('GET', `/containers/${NAME}/logs`, 'container.logs', { target: 'container' }),
  row('GET', `/containers/${NAME}/top`, 'container.top', { target: 'container' }),
  row('GET', `/containers/${NAME}/stats`, 'container.stats', { target: 'container' }),
  row('GET', `/containers/${NAME}/changes`, 'container.changes', { target: 'container' }),
  row('GET', `/containers/${NAME}/export`, 'container.export', { target: 'container' }),
  row('GET', `/containers/${NAME}/archive`, 'container.archive.read', { target: 'container' }),
  row('HEAD', `/containers/${NAME}/archive`, 'container.archive.read', { target: 'container' }),
  row('PUT', `/containers/${NAME}/archive`, 'container.archive.write', { target: 'container' }),
  row('GET', `/containers/${NAME}/attach/ws`, 'container.attach', { target: 'container' }),
  row('POST', `/containers/${NAME}/attach`, 'container.attach', { target: 'container' }),
  row('POST', `/containers/${NAME}/wait`, 'container.wait', { target: 'container' }),
  row('POST', `/containers/${NAME}/resize`, 'container.resize', { target: 'container' }),
  row('POST', `/containers/${NAME}/start`, 'container.start', { target: 'container' }),
  row('POST', `/containers/${NAME}/stop`, 'container.stop', { target: 'container' }),
  row('POST', `/containers/${NAME}/restart`, 'container.restart', { target: 'container' }),
  row('POST', `/containers/${NAME}/kill`, 'container.kill', { target: 'container' }),
  row('POST', `/containers/${NAME}/pause`, 'container.pause', { target: 'container' }),
  row('POST', `/containers/${NAME}/unpause`, 'container.unpause', { target: 'container' }),
  row('POST', `/containers/${NAME}/rename`, 'container.rename', { target: 'container' }),
  row('POST', `/containers/${NAME}/update`, 'container.update', { target: 'container', readsBody: true }),
  row('POST', `/containers/${NAME}/exec`, 'container.exec', { target: 'container', readsBody: true }),
  row('POST', `/containers/${NAME}/checkpoints`, 'container.checkpoint', { target: 'container' }),
  row('GET', `/containers/${NAME}/checkpoints`, 'container.checkpoint', { target: 'container' }),
  row('DELETE', `/containers/${NAME}/checkpoints/${ID}`, 'container.checkpoint', { target: 'container' }),
  row('DELETE', `/containers/${NAME}`, 'container.remove', { target: 'container' }),
  row('POST', '/commit', 'container.commit'),

  // exec instances
  row('POST', `/exec/${ID}/start`, 'exec.start', { target: 'exec' }),
  row('POST', `/exec/${ID}/resize`, 'exec.resize', { target: 'exec' }),
  row('GET', `/exec/${ID}/json`, 'exec.inspect', { target: 'exec' }),

  // images
  row('GET', '/images/json', 'image.list'),
  row('GET', '/images/search', 'image.search'),
  row('GET', '/images/get', 'image.save'),
  row('POST', '/images/create', 'image.pull'), // ?fromSrc= makes it an import, decided by the engine
  row('POST', '/images/load', 'image.load'),
  row('POST', '/images/prune', 'image.prune'),
  row('POST', '/build', 'image.build'),
  row('POST', '/build/prune', 'image.prune'),
  row('POST', '/build/cancel', 'image.build'),
  row('GET', `/images/${NAME}/get`, 'image.save', { target: 'image' }),
  row('GET', `/images/${NAME}/history`, 'image.history', { target: 'image' }),
  row('GET', `/images/${NAME}/json`, 'image.inspect', { target: 'image' }),
  row('POST', `/images/${NAME}/push`, 'image.push', { target: 'image' }),
  row('POST', `/images/${NAME}/tag`, 'image.tag', { target: 'image' }),
  row('DELETE', `/images/${NAME}`, 'image.remove', { target: 'image' }),

  // volumes
  row('GET', '/volumes', 'volume.list'),
  row('POST', '/volumes/create', 'volume.create', { readsBody: true }),
  row('POST', '/volumes/prune', 'volume.prune'),
  row('GET', `/volumes/${NAME}`, 'volume.inspect', { target: 'volume' }),
  row('PUT', `/volumes/${NAME}`, 'volume.update', { target: 'volume' }),
  row('DELETE', `/volumes/${NAME}`, 'volume.remove', { target: 'volume' }),

  // networks
  row('GET', '/networks', 'network.list'),
  row('GET', '/networks/', 'network.list'),
  row('POST', '/networks/create', 'network.create'),
  row('POST', '/networks/prune', 'network.prune'),
  row('GET', `/networks/${ID}`, 'network.inspect', { target: 'network' }),
  row('POST', `/networks/${ID}/connect`, 'network.connect', { target: 'network', readsBody: true }),
  row('POST', `/networks/${ID}/disconnect`, 'network.disconnect', { target: 'network', readsBody: true }),
  row('DELETE', `/networks/${ID}`, 'network.remove', { target: 'network' }),

  // everything that reaches the whole host or cluster: administrators only unless a policy says otherwise
  ...['GET', 'POST', 'DELETE'].flatMap((method) => [
    row(method, '/plugins(/.*)?', 'plugin'),
    row(method, '/swarm(/.*)?', 'swarm'),
    row(method, '/nodes(/.*)?', 'node'),
    row(method, '/services(/.*)?', 'service'),
    row(method, '/tasks(/.*)?', 'task'),
    row(method, '/secrets(/.*)?', 'secret'),
    row(method, '/configs(/.*)?', 'config'),
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
