/**
 * `dockauth authz check -- <docker command line>`: the API request the docker CLI (28.x,
 * the classic builder) would send for it, to be judged by the same engine as the plugin.
 * Each command reads its own flags; an unknown command or flag is bad input, pointing at
 * --request FILE. Fields the CLI always sends at their zero value are left out of create
 * bodies (the engine reads an absent field and a zero one alike).
 */
import { buildRequest } from './build.js';
import { cpRequest, execRequest, logsRequest, psRequest, rmRequest, startRequest, stopRequest } from './container-commands.js';
import { createRequest } from './create-flags.js';
import { importRequest, pullRequest, tagRequest } from './image-commands.js';
import { networkConnectRequest, networkCreateRequest, networkRmRequest, systemDfRequest, volumeCreateRequest, volumeRmRequest } from './object-commands.js';
import { DockerArgsError, REQUEST_HINT, type ExplainedRequest } from './request.js';

export { DockerArgsError, type ExplainedRequest } from './request.js';

type Explain = (args: readonly string[]) => ExplainedRequest;

const COMMANDS = new Map<string, Explain>(Object.entries({
  run: (args) => createRequest(args, 'run'),
  create: (args) => createRequest(args, 'create'),
  exec: execRequest,
  ps: psRequest,
  rm: rmRequest,
  stop: stopRequest,
  start: startRequest,
  logs: logsRequest,
  cp: cpRequest,
  pull: pullRequest,
  build: buildRequest,
  import: importRequest,
  tag: tagRequest,
  'volume create': volumeCreateRequest,
  'volume rm': volumeRmRequest,
  'volume remove': volumeRmRequest,
  'network create': networkCreateRequest,
  'network rm': networkRmRequest,
  'network remove': networkRmRequest,
  'network connect': networkConnectRequest,
  'system df': systemDfRequest,
}));

/** The management-command spellings of the same commands (docker container run, docker image pull, …). */
const ALIASES = new Map<string, string>(Object.entries({
  'container run': 'run', 'container create': 'create', 'container exec': 'exec', 'container ls': 'ps', 'container ps': 'ps',
  'container list': 'ps', 'container rm': 'rm', 'container remove': 'rm', 'container stop': 'stop', 'container start': 'start',
  'container logs': 'logs', 'container cp': 'cp', 'image pull': 'pull', 'image build': 'build', 'image import': 'import',
  'image tag': 'tag', 'builder build': 'build',
}));

const KNOWN = 'run, create, exec, ps, rm, stop, start, logs, cp, pull, build, import, tag, volume create/rm, network create/rm/connect and system df';

/** The request the docker CLI would send for a command line (with or without a leading "docker"). */
export function requestFromDockerArgs(args: readonly string[]): ExplainedRequest {
  const words = args[0] === 'docker' ? args.slice(1) : args;
  const [first = '', second = ''] = words;
  const pair = `${first} ${second}`;
  const twoWords = ALIASES.get(pair) ?? (COMMANDS.has(pair) ? pair : undefined);
  const name = twoWords ?? (COMMANDS.has(first) ? first : undefined);
  if (name === undefined) {
    throw new DockerArgsError(`dockauth authz check explains ${KNOWN}, not "${words.join(' ')}": ${REQUEST_HINT}`);
  }
  const rest = words.slice(twoWords !== undefined ? 2 : 1);
  return (COMMANDS.get(name) as Explain)(rest);
}
