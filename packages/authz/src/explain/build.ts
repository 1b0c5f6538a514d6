import { randomBytes } from 'node:crypto';
import { relative, resolve, sep } from 'node:path';
import { expectArgs, readFlags } from './flags.js';
import { parseNormalizedNamed } from './reference.js';
import { envValue, goJson, goMapJson, keyValueMap, plainRequest, type ExplainedRequest, type Query } from './request.js';
import { parseInteger, parseUlimits, ramInBytes } from './units.js';

const BUILD_FLAGS = {
  command: 'build',
  values: ['tag t', 'build-arg', 'network', 'shm-size', 'cgroup-parent', 'ulimit', 'file f', 'label', 'memory m', 'memory-swap', 'cpu-shares c', 'target'],
  booleans: ['quiet q', 'no-cache', 'pull', 'rm', 'force-rm'],
};

/** build.DetectContextType: "-" is stdin, git and http(s) URLs are remote, anything else a local directory. */
function isGitUrl(context: string): boolean {
  return /^(git:\/\/|github\.com\/|git@)/.test(context) || (/^https?:\/\//.test(context) && /\.git(?:#.*)?$/.test(context));
}

/**
 * The Dockerfile's name in the context the CLI sends: -f relative to the context directory
 * (one outside it, or from stdin, is added to the context under a random name), else
 * "Dockerfile" (a context that is a tar archive with no -f sends none; not told apart here).
 */
function dockerfileName(context: string, file: string | undefined): string {
  if (file === undefined) return 'Dockerfile';
  const local = context !== '-' && !isGitUrl(context) && !/^https?:\/\//.test(context);
  if (!local) return file;
  const path = file === '-' ? '..' : relative(resolve(context), resolve(file)).split(sep).join('/');
  return path === '..' || path.startsWith('../') ? `.dockerfile.${randomBytes(10).toString('hex')}` : path;
}

/**
 * `build [-t T]… [--network N] [--build-arg K=V]… [--shm-size S] [--cgroup-parent P] [--ulimit U]… CONTEXT`
 * with the classic builder (DOCKER_BUILDKIT=0): POST /build?…&version=1, the context a tar
 * stream in the body. The CLI itself reads the context, a URL or git repository included
 * (it downloads or clones it and sends it as the body: no remote=). Build args the CLI
 * adds from its config file's proxies are not.
 */
export function buildRequest(args: readonly string[]): ExplainedRequest {
  const values = readFlags(args, BUILD_FLAGS);
  const [context] = expectArgs(values, 'build', 1, 1, 'PATH | URL | -') as [string];
  const query: Query = [];
  for (const tag of values.all('tag')) {
    parseNormalizedNamed(tag);
    query.push(['t', tag]);
  }
  if (values.bool('quiet')) query.push(['q', '1']);
  if (values.bool('no-cache')) query.push(['nocache', '1']);
  if (values.has('rm') && !values.bool('rm')) query.push(['rm', '0']);
  if (values.bool('force-rm')) query.push(['forcerm', '1']);
  if (values.bool('pull')) query.push(['pull', '1']);
  const network = values.last('network');
  if (network && network !== 'default') query.push(['networkmode', network]);
  const shares = values.last('cpu-shares');
  if (shares !== undefined && parseInteger('--cpu-shares', shares) !== 0) query.push(['cpushares', String(parseInteger('--cpu-shares', shares))]);
  for (const [flag, key] of [['memory', 'memory'], ['memory-swap', 'memswap'], ['shm-size', 'shmsize']] as const) {
    const value = values.last(flag);
    // opts.MemSwapBytes takes -1 (unlimited swap) too.
    const bytes = value === undefined ? 0 : flag === 'memory-swap' && value === '-1' ? -1 : ramInBytes(`--${flag}`, value);
    if (bytes !== 0) query.push([key, String(bytes)]);
  }
  const cgroupParent = values.last('cgroup-parent');
  if (cgroupParent) query.push(['cgroupparent', cgroupParent]);
  query.push(['dockerfile', dockerfileName(context, values.last('file'))]);
  const target = values.last('target');
  if (target) query.push(['target', target]);
  const ulimits = values.all('ulimit');
  if (ulimits.length > 0) query.push(['ulimits', goJson(parseUlimits(ulimits))]);
  const buildArgs = new Map<string, string | null>();
  for (const arg of values.all('build-arg').map(envValue)) {
    const eq = arg.indexOf('=');
    buildArgs.set(eq < 0 ? arg : arg.slice(0, eq), eq < 0 ? null : arg.slice(eq + 1));
  }
  if (buildArgs.size > 0) query.push(['buildargs', goMapJson(buildArgs)]);
  const labels = values.all('label');
  if (labels.length > 0) query.push(['labels', goMapJson(new Map(Object.entries(keyValueMap(labels))))]);
  query.push(['version', '1']);
  return plainRequest('POST', '/build', query);
}
