/** The API request the docker CLI would send for common run/create/exec/volume-create command lines. */
export interface ExplainedRequest {
  method: string;
  uri: string;
  body: Buffer | undefined;
}

export class DockerArgsError extends Error {}

/** Flags that take a value, and where that value goes in a container-create body. */
const VALUE_FLAGS = new Set([
  '-v', '--volume', '--mount', '--cap-add', '--cap-drop', '--device', '--device-cgroup-rule', '--gpus', '--net', '--network',
  '--pid', '--ipc', '--uts', '--userns', '--cgroupns', '-u', '--user', '--group-add', '--security-opt', '--volumes-from',
  '--sysctl', '--cgroup-parent', '-p', '--publish', '-l', '--label', '--log-driver', '--runtime', '--name', '-e', '--env',
  '-w', '--workdir', '--entrypoint', '--tmpfs', '--restart', '-h', '--hostname', '-m', '--memory', '--cpus', '--platform',
  '--oom-score-adj', '--annotation', '--link', '--stop-signal', '--shm-size', '--ulimit',
]);
const BOOLEAN_FLAGS = new Set(['--privileged', '--rm', '-d', '--detach', '-i', '--interactive', '-t', '--tty', '-it', '-ti', '--init', '--read-only', '-P', '--publish-all']);

/** Splits "--flag=value" and collects flag values and positional words. */
function scan(args: readonly string[]): { flags: Array<[string, string]>; positional: string[] } {
  const flags: Array<[string, string]> = [];
  const positional: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (positional.length > 0 || !arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (BOOLEAN_FLAGS.has(name)) flags.push([name, eq > 0 ? arg.slice(eq + 1) : 'true']);
    else if (VALUE_FLAGS.has(name) || name === '-o' || name === '--opt' || name === '--driver' || name === '-d') {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++index];
      if (value === undefined) throw new DockerArgsError(`${name} needs a value`);
      flags.push([name, value]);
    } else {
      throw new DockerArgsError(`dockauth authz check does not know the flag ${name}: use --request FILE with the raw API request`);
    }
  }
  return { flags, positional };
}

function parseMount(spec: string): Record<string, unknown> {
  const fields = new Map(spec.split(',').map((part) => [part.split('=')[0] ?? '', part.slice(part.indexOf('=') + 1)]));
  const mount: Record<string, unknown> = {
    Type: fields.get('type') ?? 'volume',
    Source: fields.get('source') ?? fields.get('src') ?? '',
    Target: fields.get('target') ?? fields.get('dst') ?? fields.get('destination') ?? '',
  };
  if (fields.has('bind-propagation')) mount.BindOptions = { Propagation: fields.get('bind-propagation') };
  const options = [...fields].filter(([key]) => key.startsWith('volume-opt')).map(([, value]) => value.split('='));
  if (fields.has('volume-driver') || options.length > 0) {
    mount.VolumeOptions = { DriverConfig: { Name: fields.get('volume-driver') ?? '', Options: Object.fromEntries(options) } };
  }
  return mount;
}

function createRequest(args: readonly string[]): ExplainedRequest {
  const { flags, positional } = scan(args);
  const [image, ...cmd] = positional;
  if (!image) throw new DockerArgsError('no image given');
  const host: Record<string, any> = {};
  const config: Record<string, any> = { Image: image, Cmd: cmd.length > 0 ? cmd : undefined, Labels: {} };
  const push = (key: string, value: unknown): void => {
    (host[key] ??= []).push(value);
  };
  for (const [flag, value] of flags) {
    switch (flag) {
      case '-v': case '--volume': push('Binds', value); break;
      case '--mount': push('Mounts', parseMount(value)); break;
      case '--privileged': host.Privileged = value !== 'false'; break;
      case '--cap-add': push('CapAdd', value); break;
      case '--cap-drop': push('CapDrop', value); break;
      case '--device': push('Devices', { PathOnHost: value.split(':')[0], PathInContainer: value.split(':')[1] ?? value.split(':')[0], CgroupPermissions: 'rwm' }); break;
      case '--device-cgroup-rule': push('DeviceCgroupRules', value); break;
      case '--gpus': push('DeviceRequests', { Count: -1, Capabilities: [['gpu']] }); break;
      case '--net': case '--network': host.NetworkMode = value; break;
      case '--pid': host.PidMode = value; break;
      case '--ipc': host.IpcMode = value; break;
      case '--uts': host.UTSMode = value; break;
      case '--userns': host.UsernsMode = value; break;
      case '--cgroupns': host.CgroupnsMode = value; break;
      case '-u': case '--user': config.User = value; break;
      case '--group-add': push('GroupAdd', value); break;
      case '--security-opt': push('SecurityOpt', value); break;
      case '--volumes-from': push('VolumesFrom', value); break;
      case '--sysctl': host.Sysctls = { ...host.Sysctls, [value.split('=')[0] as string]: value.slice(value.indexOf('=') + 1) }; break;
      case '--cgroup-parent': host.CgroupParent = value; break;
      case '-p': case '--publish': {
        const parts = value.split(':');
        const containerPort = parts.pop() as string;
        const hostPort = parts.pop() ?? '';
        const key = containerPort.includes('/') ? containerPort : `${containerPort}/tcp`;
        host.PortBindings = { ...host.PortBindings, [key]: [{ HostIp: parts.pop() ?? '', HostPort: hostPort }] };
        break;
      }
      case '-l': case '--label': config.Labels[value.split('=')[0] as string] = value.slice(value.indexOf('=') + 1); break;
      case '--log-driver': host.LogConfig = { Type: value, Config: {} }; break;
      case '--runtime': host.Runtime = value; break;
      case '--oom-score-adj': host.OomScoreAdj = Number(value); break;
      case '--link': push('Links', value); break;
      case '--annotation': host.Annotations = { ...host.Annotations, [value.split('=')[0] as string]: value.slice(value.indexOf('=') + 1) }; break;
      default: break;
    }
  }
  return { method: 'POST', uri: '/containers/create', body: Buffer.from(JSON.stringify({ ...config, HostConfig: host })) };
}

/** `run …`, `create …`, `exec …` or `volume create …`, as the docker CLI would send it. */
export function requestFromDockerArgs(args: readonly string[]): ExplainedRequest {
  const [command, ...rest] = args[0] === 'docker' ? args.slice(1) : args;
  if (command === 'run' || command === 'create' || command === 'container' && (rest[0] === 'run' || rest[0] === 'create')) {
    return createRequest(command === 'container' ? rest.slice(1) : rest);
  }
  if (command === 'exec') {
    const { flags, positional } = scan(rest);
    const [container, ...cmd] = positional;
    if (!container) throw new DockerArgsError('docker exec needs a container');
    const body: Record<string, unknown> = { Cmd: cmd, AttachStdout: true, AttachStderr: true };
    for (const [flag, value] of flags) {
      if (flag === '-u' || flag === '--user') body.User = value;
      if (flag === '--privileged') body.Privileged = true;
    }
    return { method: 'POST', uri: `/containers/${encodeURIComponent(container)}/exec`, body: Buffer.from(JSON.stringify(body)) };
  }
  if (command === 'volume' && rest[0] === 'create') {
    const { flags, positional } = scan(rest.slice(1));
    const body: Record<string, any> = { Name: positional[0] ?? '', Driver: 'local', DriverOpts: {}, Labels: {} };
    for (const [flag, value] of flags) {
      if (flag === '-d' || flag === '--driver') body.Driver = value;
      if (flag === '-o' || flag === '--opt') body.DriverOpts[value.split('=')[0] as string] = value.slice(value.indexOf('=') + 1);
      if (flag === '-l' || flag === '--label') body.Labels[value.split('=')[0] as string] = value.slice(value.indexOf('=') + 1);
    }
    return { method: 'POST', uri: '/volumes/create', body: Buffer.from(JSON.stringify(body)) };
  }
  throw new DockerArgsError(`dockauth authz check explains run, create, exec and volume create, not "${args.join(' ')}": use --request FILE`);
}
