import { readFlags, type CommandFlags, type FlagValues } from './flags.js';
import { deviceMapping, parseMount, portBinding, tmpfsEntry, volumeSpec } from './mounts.js';
import { DockerArgsError, REQUEST_HINT, envValue, jsonRequest, keyValueMap, type ExplainedRequest, type Query } from './request.js';
import { parseInteger, parseRestartPolicy, parseUlimits, ramInBytes } from './units.js';

/** docker run / docker create: the flags dockauth explains (each the way the CLI's containerOptions reads it). */
export const CREATE_FLAGS: Omit<CommandFlags, 'command'> = {
  values: [
    'volume v', 'mount', 'cap-add', 'cap-drop', 'device', 'device-cgroup-rule', 'gpus', 'network|net', 'pid', 'ipc', 'uts',
    'userns', 'cgroupns', 'user u', 'group-add', 'security-opt', 'volumes-from', 'sysctl', 'cgroup-parent', 'publish p',
    'label l', 'log-driver', 'log-opt', 'runtime', 'name', 'env e', 'workdir w', 'entrypoint', 'tmpfs', 'restart', 'hostname h',
    'memory m', 'cpus', 'platform', 'oom-score-adj', 'annotation', 'link', 'stop-signal', 'shm-size', 'ulimit', 'pids-limit',
    'volume-driver',
  ],
  booleans: ['privileged', 'rm', 'detach d', 'interactive i', 'tty t', 'init', 'read-only', 'publish-all P', 'oom-kill-disable'],
  stopAtPositional: true,
};

/** Network modes that are not user-defined networks (container.NetworkMode.IsUserDefined). */
const BUILTIN_NETWORKS = new Set(['default', 'bridge', 'host', 'none']);
const userDefined = (name: string): boolean => !BUILTIN_NETWORKS.has(name) && !name.startsWith('container:');

/**
 * --network: NetworkMode is the first network. Like the CLI, a single network without
 * per-network options sends no endpoint configuration (dockerd makes it); several send
 * one endpoint each. The long syntax (name=…,alias=…) is not explained.
 */
function networks(values: FlagValues, host: Record<string, any>): Record<string, unknown> | undefined {
  const names = values.all('network');
  if (names.length === 0) return undefined;
  for (const name of names) {
    if (/\w+=\w+(,\w+=\w+)*/.test(name)) throw new DockerArgsError(`dockauth authz check does not explain --network ${name} (per-network options): ${REQUEST_HINT}`);
  }
  if (new Set(names).size !== names.length) throw new DockerArgsError('a network is specified multiple times');
  if (names.some(userDefined) && !names.every(userDefined)) {
    throw new DockerArgsError('conflicting options: cannot attach both user-defined and non-user-defined network-modes');
  }
  host.NetworkMode = names[0];
  return names.length === 1 ? {} : Object.fromEntries(names.map((name) => [name, {}]));
}

/** The resource bounds and lifetime settings the engine judges: sizes as units.RAMInBytes reads them. */
function resources(values: FlagValues, host: Record<string, any>): void {
  const size = (flag: string, key: string): void => {
    const value = values.last(flag);
    if (value !== undefined) host[key] = ramInBytes(`--${flag}`, value);
  };
  size('memory', 'Memory');
  size('shm-size', 'ShmSize');
  if (values.has('oom-kill-disable')) host.OomKillDisable = values.bool('oom-kill-disable');
  const pids = values.last('pids-limit');
  if (pids !== undefined) host.PidsLimit = parseInteger('--pids-limit', pids);
  const ulimits = values.all('ulimit');
  if (ulimits.length > 0) host.Ulimits = parseUlimits(ulimits);
  const restart = values.last('restart');
  if (restart !== undefined) {
    host.RestartPolicy = parseRestartPolicy(restart);
    const none = host.RestartPolicy.Name === '' || host.RestartPolicy.Name === 'no';
    if (values.bool('rm') && !none) throw new DockerArgsError('conflicting options: cannot specify both --restart and --rm');
  }
  const driver = values.last('log-driver');
  const logOptions = values.all('log-opt');
  if (driver === 'none' && logOptions.length > 0) throw new DockerArgsError('invalid logging opts for driver none');
  if (driver !== undefined || logOptions.length > 0) host.LogConfig = { Type: driver ?? '', Config: keyValueMap(logOptions) };
  const tmpfs = values.all('tmpfs');
  if (tmpfs.length > 0) host.Tmpfs = Object.fromEntries(tmpfs.map(tmpfsEntry));
  const cpus = values.last('cpus');
  if (cpus !== undefined) {
    // opts.NanoCPUs: exactly a whole number of billionths of a CPU.
    const match = /^(\d*)(?:\.(\d*))?$/.exec(cpus);
    const fraction = match?.[2] ?? '';
    if (!match || cpus === '.' || cpus === '' || /[1-9]/.test(fraction.slice(9))) throw new DockerArgsError(`invalid argument "${cpus}" for "--cpus": value is too precise`);
    host.NanoCPUs = Number(match[1] || '0') * 1e9 + Number(fraction.slice(0, 9).padEnd(9, '0'));
  }
}

/** --security-opt: systempaths=unconfined becomes empty MaskedPaths and ReadonlyPaths, as the CLI sends it. */
function securityOptions(values: FlagValues, host: Record<string, any>): void {
  const options = values.all('security-opt');
  if (options.length === 0) return;
  host.SecurityOpt = options.filter((option) => option !== 'systempaths=unconfined');
  if (options.length !== host.SecurityOpt.length) {
    host.MaskedPaths = [];
    host.ReadonlyPaths = [];
  }
}

/** `run …` / `create …`: POST /containers/create?name=…&platform=… with Config, HostConfig and NetworkingConfig. */
export function createRequest(args: readonly string[], command: string): ExplainedRequest {
  const values = readFlags(args, { command, ...CREATE_FLAGS });
  const [image, ...cmd] = values.positional;
  if (!image) throw new DockerArgsError(`docker ${command} needs an image`);
  const config: Record<string, any> = { Image: image, Labels: keyValueMap(values.all('label')) };
  const host: Record<string, any> = {};
  if (cmd.length > 0) config.Cmd = cmd;
  const setConfig = (flag: string, key: string): void => {
    const value = values.last(flag);
    if (value !== undefined) config[key] = value;
  };
  setConfig('user', 'User');
  setConfig('workdir', 'WorkingDir');
  setConfig('hostname', 'Hostname');
  setConfig('stop-signal', 'StopSignal');
  const entrypoint = values.last('entrypoint');
  if (entrypoint !== undefined) config.Entrypoint = [entrypoint];
  const env = values.all('env').map(envValue);
  if (env.length > 0) config.Env = env;
  if (values.bool('tty')) config.Tty = true;
  if (values.bool('interactive')) config.OpenStdin = true;

  const list = (flag: string, key: string, map: (value: string) => unknown = (value) => value): void => {
    const all = values.all(flag);
    if (all.length > 0) host[key] = all.map(map);
  };
  const anonymous: Record<string, object> = {};
  const binds: string[] = [];
  for (const spec of values.all('volume')) {
    const parsed = volumeSpec(spec);
    if ('bind' in parsed) binds.push(parsed.bind);
    else anonymous[parsed.anonymous] = {};
  }
  if (binds.length > 0) host.Binds = binds;
  if (Object.keys(anonymous).length > 0) config.Volumes = anonymous;
  list('mount', 'Mounts', parseMount);
  list('cap-add', 'CapAdd');
  list('cap-drop', 'CapDrop');
  list('device', 'Devices', deviceMapping);
  list('device-cgroup-rule', 'DeviceCgroupRules');
  list('gpus', 'DeviceRequests', () => ({ Count: -1, Capabilities: [['gpu']] }));
  list('group-add', 'GroupAdd');
  list('volumes-from', 'VolumesFrom');
  list('link', 'Links');
  for (const [flag, key] of [['pid', 'PidMode'], ['ipc', 'IpcMode'], ['uts', 'UTSMode'], ['userns', 'UsernsMode'], ['cgroupns', 'CgroupnsMode'],
    ['cgroup-parent', 'CgroupParent'], ['runtime', 'Runtime'], ['volume-driver', 'VolumeDriver']] as const) {
    const value = values.last(flag);
    if (value !== undefined) host[key] = value;
  }
  const sysctls = values.all('sysctl');
  if (sysctls.length > 0) host.Sysctls = keyValueMap(sysctls);
  const annotations = values.all('annotation');
  if (annotations.length > 0) host.Annotations = keyValueMap(annotations);
  const ports = values.all('publish');
  if (ports.length > 0) {
    host.PortBindings = {};
    for (const [key, binding] of ports.map(portBinding)) (host.PortBindings[key] ??= []).push(binding);
  }
  const score = values.last('oom-score-adj');
  if (score !== undefined) host.OomScoreAdj = parseInteger('--oom-score-adj', score);
  for (const [flag, key] of [['privileged', 'Privileged'], ['rm', 'AutoRemove'], ['read-only', 'ReadonlyRootfs'], ['publish-all', 'PublishAllPorts']] as const) {
    if (values.bool(flag)) host[key] = true;
  }
  if (values.has('init')) host.Init = values.bool('init');
  securityOptions(values, host);
  resources(values, host);
  const endpoints = networks(values, host);

  const query: Query = [];
  const name = values.last('name');
  if (name) query.push(['name', name]);
  const platform = values.last('platform');
  if (platform) query.push(['platform', platform.toLowerCase()]);
  const body: Record<string, unknown> = { ...config, HostConfig: host };
  if (endpoints !== undefined) body.NetworkingConfig = { EndpointsConfig: endpoints };
  return jsonRequest('POST', '/containers/create', body, query);
}
