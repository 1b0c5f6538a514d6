import { expectArgs, readFlags } from './flags.js';
import { DockerArgsError, cutPair, envValue, jsonRequest, pathOf, plainRequest, type ExplainedRequest, type Query } from './request.js';
import { parseInteger } from './units.js';

/** `exec [-dit] [-u U] [-e K=V] [-w DIR] [--privileged] CONTAINER CMD…`: POST /containers/C/exec (the exec's create). */
export function execRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, {
    command: 'exec',
    values: ['user u', 'env e', 'workdir w', 'detach-keys'],
    booleans: ['detach d', 'interactive i', 'tty t', 'privileged'],
    stopAtPositional: true,
  });
  const [container, ...cmd] = values.positional;
  if (!container || cmd.length === 0) throw new DockerArgsError('docker exec takes CONTAINER COMMAND [ARG...]');
  const body: Record<string, unknown> = {};
  const user = values.last('user');
  if (user !== undefined) body.User = user;
  if (values.bool('privileged')) body.Privileged = true;
  if (values.bool('tty')) body.Tty = true;
  if (!values.bool('detach')) {
    if (values.bool('interactive')) body.AttachStdin = true;
    body.AttachStdout = true;
    body.AttachStderr = true;
  }
  const keys = values.last('detach-keys');
  if (keys) body.DetachKeys = keys;
  const env = values.all('env').map(envValue);
  if (env.length > 0) body.Env = env;
  const workdir = values.last('workdir');
  if (workdir) body.WorkingDir = workdir;
  body.Cmd = cmd;
  return jsonRequest('POST', pathOf('/containers', container, 'exec'), body);
}

/** filters.Args as the client sends it: {"name":{"value":true}}, names and values sorted. */
function filtersJson(filters: readonly string[]): string {
  const byName = new Map<string, Set<string>>();
  for (const filter of filters) {
    if (!filter.includes('=')) throw new DockerArgsError(`bad format of filter (expected name=value): ${filter}`);
    const [name, value] = cutPair(filter);
    const key = name.trim().toLowerCase();
    byName.set(key, (byName.get(key) ?? new Set()).add(value.trim()));
  }
  const sorted = (keys: Iterable<string>): string[] => [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const inner = (values: Set<string>): string => `{${sorted(values).map((value) => `${JSON.stringify(value)}:true`).join(',')}}`;
  return `{${sorted(byName.keys()).map((name) => `${JSON.stringify(name)}:${inner(byName.get(name) as Set<string>)}`).join(',')}}`;
}

/** `ps [-a] [-s] [-n N | -l] [-q] [--no-trunc] [-f K=V]`: GET /containers/json. */
export function psRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'ps', values: ['last n', 'filter f'], booleans: ['all a', 'size s', 'quiet q', 'no-trunc', 'latest l'] });
  expectArgs(values, 'ps', 0, 0, 'no arguments');
  const query: Query = [];
  if (values.bool('all')) query.push(['all', '1']);
  let limit = parseInteger('--last', values.last('last') ?? '-1');
  if (values.bool('latest') && limit === -1) limit = 1;
  if (limit > 0) query.push(['limit', String(limit)]);
  if (values.bool('size')) query.push(['size', '1']);
  const filters = values.all('filter');
  if (filters.length > 0) query.push(['filters', filtersJson(filters)]);
  return plainRequest('GET', '/containers/json', query);
}

/** `rm [-f] [-v] [-l] CONTAINER`: DELETE /containers/C. */
export function rmRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'rm', values: [], booleans: ['force f', 'volumes v', 'link l'] });
  const [container] = expectArgs(values, 'rm', 1, 1, 'CONTAINER', true) as [string];
  const query: Query = [];
  if (values.bool('volumes')) query.push(['v', '1']);
  if (values.bool('link')) query.push(['link', '1']);
  if (values.bool('force')) query.push(['force', '1']);
  return plainRequest('DELETE', pathOf('/containers', container), query);
}

/** `stop [-t SECONDS] [-s SIGNAL] CONTAINER`: POST /containers/C/stop. */
export function stopRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'stop', values: ['timeout|time t', 'signal s'], booleans: [] });
  const [container] = expectArgs(values, 'stop', 1, 1, 'CONTAINER', true) as [string];
  const query: Query = [];
  const timeout = values.last('timeout');
  if (timeout !== undefined) query.push(['t', String(parseInteger('--timeout', timeout))]);
  const signal = values.last('signal');
  if (signal) query.push(['signal', signal]);
  return plainRequest('POST', pathOf('/containers', container, 'stop'), query);
}

/** `start CONTAINER` (without -a/-i, which attach first): POST /containers/C/start. */
export function startRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'start', values: [], booleans: [] });
  const [container] = expectArgs(values, 'start', 1, 1, 'CONTAINER', true) as [string];
  return plainRequest('POST', pathOf('/containers', container, 'start'));
}

/**
 * `logs [-f] [-t] [--details] [-n N] CONTAINER`: GET /containers/C/logs with stdout, stderr and
 * tail always. (The CLI names the container by the ID its inspect answered; the same container.)
 */
export function logsRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'logs', values: ['tail n'], booleans: ['follow f', 'timestamps t', 'details'] });
  const [container] = expectArgs(values, 'logs', 1, 1, 'CONTAINER');
  const query: Query = [['stdout', '1'], ['stderr', '1']];
  if (values.bool('timestamps')) query.push(['timestamps', '1']);
  if (values.bool('details')) query.push(['details', '1']);
  if (values.bool('follow')) query.push(['follow', '1']);
  query.push(['tail', values.last('tail') ?? 'all']);
  return plainRequest('GET', pathOf('/containers', container as string, 'logs'), query);
}

/** splitCpArg: CONTAINER:PATH, unless the word is an absolute or ./relative local path. */
function splitCopyArg(arg: string): [string, string] {
  if (arg.startsWith('/')) return ['', arg];
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return ['', arg];
  return [arg.slice(0, colon), arg.slice(colon + 1)];
}

/**
 * `cp CONTAINER:PATH DEST`: GET /containers/C/archive?path=PATH; `cp SRC CONTAINER:PATH`: PUT
 * …/archive?path=PATH&noOverwriteDirNonDir=true (copyUIDGID=true with -a). The CLI stats the
 * container path first (a HEAD on the same URL) and, when PATH is not an existing directory,
 * extracts into its parent: the path here is PATH as given.
 */
export function cpRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, { command: 'cp', values: [], booleans: ['archive a', 'follow-link L', 'quiet q'] });
  const [source, destination] = expectArgs(values, 'cp', 2, 2, 'CONTAINER:SRC_PATH DEST_PATH or SRC_PATH CONTAINER:DEST_PATH') as [string, string];
  const [fromContainer, fromPath] = splitCopyArg(source);
  const [toContainer, toPath] = splitCopyArg(destination);
  if (fromContainer !== '' && toContainer !== '') throw new DockerArgsError('copying between containers is not supported');
  if (fromContainer !== '') return plainRequest('GET', pathOf('/containers', fromContainer, 'archive'), [['path', fromPath]]);
  if (toContainer === '') throw new DockerArgsError('must specify at least one container source');
  const query: Query = [['path', toPath], ['noOverwriteDirNonDir', 'true']];
  if (values.bool('archive')) query.push(['copyUIDGID', 'true']);
  return plainRequest('PUT', pathOf('/containers', toContainer, 'archive'), query);
}
