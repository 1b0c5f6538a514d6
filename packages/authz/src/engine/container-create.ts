import { asArray, asBool, asNumber, asString, asStringArray, asStrSlice, field, stringMap, type GoObject, type GoValue } from '../decode/go-json.js';
import { endpointProblems } from './object-bodies.js';
import { insideRoots, mountRoots, parseBind, walkBindSource } from './host-mounts.js';
import { boundsProblems, logProblems, tmpfsProblems } from './bounds.js';
import { imageAllowed, imageNames } from './image-reference.js';
import { OWNER_LABEL, type ImageInfo } from './lookups.js';
import { ownContainerProblem, ownNetworkProblem, ownVolumeProblem, runAsProblem, type RuleContext } from './rule-context.js';

/** Namespace modes: "host" escapes the container; "container:X" joins another container's. */
const NAMESPACES: Array<[string, string]> = [
  ['NetworkMode', '--network'],
  ['PidMode', '--pid'],
  ['IpcMode', '--ipc'],
  ['UTSMode', '--uts'],
  ['UsernsMode', '--userns'],
  ['CgroupnsMode', '--cgroupns'],
  ['Cgroup', '--cgroup'],
];

const NO_NEW_PRIVILEGES = new Set(['no-new-privileges', 'no-new-privileges=true', 'no-new-privileges:true']);

/** Whether a --security-opt value turns no-new-privileges on, in any spelling dockerd accepts. */
export function isNoNewPrivileges(option: string): boolean {
  return NO_NEW_PRIVILEGES.has(option.replace(/\s/g, ''));
}
const SIMPLE_FORBIDDEN: Array<[string, string]> = [
  ['DeviceCgroupRules', '--device-cgroup-rule'],
  ['Sysctls', '--sysctl'],
  ['Links', '--link'],
  ['Annotations', '--annotation'],
];

/**
 * Everything in a container-create body that can reach the host. The body is
 * read as dockerd reads it: `hostConfigs` holds HostConfig and the top level of
 * the body (older engines take host settings from there), and a setting in
 * either counts. Returns the problems, each with what to do instead.
 */
export async function containerCreateProblems(body: GoValue, context: RuleContext, _version?: string): Promise<string[]> {
  const { rules, account } = context;
  const problems: string[] = [];
  const inner = field(body, 'HostConfig');
  const hostConfigs = [inner, body].filter((value): value is GoValue => value?.kind === 'object');

  for (const hc of hostConfigs) {
    if (asBool(field(hc, 'Privileged'), 'Privileged')) problems.push('--privileged is not allowed');
    for (const cap of [...(asStrSlice(field(hc, 'CapAdd'), 'CapAdd') ?? []), ...(asStrSlice(field(hc, 'Capabilities'), 'Capabilities') ?? [])]) {
      const name = cap.toUpperCase().replace(/^CAP_/, '');
      if (!rules.capabilities.has(name)) problems.push(`--cap-add ${cap} is not allowed`);
    }
    for (const device of asArray(field(hc, 'Devices'), 'Devices') ?? []) {
      const path = asString(field(device, 'PathOnHost'), 'Devices.PathOnHost');
      if (!rules.devices.has(path)) problems.push(`--device ${path} is not allowed`);
    }
    if ((asArray(field(hc, 'DeviceRequests'), 'DeviceRequests') ?? []).length > 0 && !rules.devices.has('gpus')) problems.push('--gpus is not allowed');
    for (const [key, flag] of SIMPLE_FORBIDDEN) {
      const value = field(hc, key);
      if ((value?.kind === 'array' && value.items.length > 0) || (value?.kind === 'object' && value.keys.length > 0)) problems.push(`${flag} is not allowed`);
    }
    for (const [key, flag] of NAMESPACES) {
      const mode = asString(field(hc, key), key);
      if (mode === 'host' && !(key === 'NetworkMode' && rules.hostNetwork)) problems.push(`${flag}=host is not allowed`);
      if (mode.startsWith('container:')) {
        const problem = await ownContainerProblem(mode.slice('container:'.length), context, `${flag}=${mode}`);
        if (problem) problems.push(problem);
      } else if (key === 'NetworkMode' && mode !== '' && mode !== 'host') {
        const problem = await ownNetworkProblem(mode, context, `--network ${mode}`);
        if (problem) problems.push(problem);
      }
    }
    for (const option of asStringArray(field(hc, 'SecurityOpt'), 'SecurityOpt') ?? []) {
      if (!isNoNewPrivileges(option)) problems.push(`--security-opt ${option} is not allowed (only no-new-privileges)`);
    }
    for (const key of ['MaskedPaths', 'ReadonlyPaths']) {
      const value = field(hc, key);
      if (value !== undefined && value.kind !== 'null') problems.push(`${key} would change which /proc and /sys paths are hidden: not allowed`);
    }
    if (asString(field(hc, 'CgroupParent'), 'CgroupParent') !== '') problems.push('--cgroup-parent is not allowed');
    const driver = asString(field(hc, 'VolumeDriver'), 'VolumeDriver');
    if (driver !== '' && driver !== 'local') problems.push(`--volume-driver ${driver} is not allowed`);
    const runtime = asString(field(hc, 'Runtime'), 'Runtime');
    if (runtime !== '' && runtime !== 'runc') problems.push(`--runtime ${runtime} is not allowed`);
    if (asNumber(field(hc, 'OomScoreAdj'), 'OomScoreAdj') < 0) problems.push('a negative --oom-score-adj is not allowed');
    const logType = asString(field(field(hc, 'LogConfig'), 'Type'), 'LogConfig.Type');
    if (!rules.logDrivers.has(logType)) problems.push(`--log-driver ${logType} is not allowed`);
    const ports = field(hc, 'PortBindings');
    if (ports?.kind === 'object' && !rules.privilegedPorts) {
      for (const bindings of ports.values) {
        for (const binding of asArray(bindings, 'PortBindings') ?? []) {
          const hostPort = asString(field(binding, 'HostPort'), 'HostPort');
          const low = Number(hostPort.split('-')[0]);
          if (hostPort !== '' && low < 1024) problems.push(`publishing host port ${hostPort} is not allowed (ports below 1024 are root's): use 1024 or above`);
        }
      }
    }
    for (const group of asStringArray(field(hc, 'GroupAdd'), 'GroupAdd') ?? []) {
      if (!/^\d+$/.test(group)) problems.push(`--group-add ${group}: give the numeric gid`);
      else if (!account.gids.includes(Number(group))) problems.push(`--group-add ${group} is not one of your groups`);
    }
    for (const source of asStringArray(field(hc, 'VolumesFrom'), 'VolumesFrom') ?? []) {
      const reference = source.replace(/:(ro|rw)$/, '');
      const problem = await ownContainerProblem(reference, context, `--volumes-from ${source}`);
      if (problem) problems.push(problem);
      // The new container mounts the same sources, resolved again.
      else problems.push(...(await bindsStillSafeProblems(reference, context)));
    }
    problems.push(...(await mountProblems(hc, context)));
    problems.push(...boundsProblems(hc, context), ...logProblems(hc, context), ...tmpfsProblems(hc, context));
  }

  const endpoints = field(field(body, 'NetworkingConfig'), 'EndpointsConfig');
  for (const [index, network] of (endpoints?.kind === 'object' ? endpoints.keys : []).entries()) {
    problems.push(...endpointProblems((endpoints as GoObject).values[index], `--network ${network}`));
    if (network === 'host') {
      if (!rules.hostNetwork) problems.push('--network host is not allowed');
      continue;
    }
    const problem = await ownNetworkProblem(network, context, `--network ${network}`);
    if (problem) problems.push(problem);
  }
  problems.push(...(await identityProblems(body, context)));
  const labels = stringMap(field(body, 'Labels'), 'Labels');
  const image = asString(field(body, 'Image'), 'Image');
  const imageInfo = image === '' ? undefined : await context.docker.image(image);
  problems.push(...ownerProblems(labels, body, imageInfo, image, context));
  problems.push(...imageProblems(image, imageInfo, context));
  return [...new Set(problems)];
}

/**
 * The container must end up the user's: dockerd records its owner as the dockauth.owner
 * label (the request's, else the one the image carries, which dockerd copies in), else
 * the uid it runs as.
 */
function ownerProblems(labels: Map<string, string>, body: GoValue, image: ImageInfo | undefined, reference: string, context: RuleContext): string[] {
  const { account, rules } = context;
  const requested = labels.get(OWNER_LABEL);
  if (requested !== undefined) {
    return requested === account.name ? [] : [`--label ${OWNER_LABEL}=${requested} is not you: use ${OWNER_LABEL}=${account.name}`];
  }
  const inherited = image?.labels[OWNER_LABEL];
  if (inherited !== undefined && inherited !== account.name) {
    return [`image ${reference} labels its containers ${OWNER_LABEL}=${inherited}: add --label ${OWNER_LABEL}=${account.name}`];
  }
  // Ownership falls back to the uid a container runs as, which is only the user's when it is their own.
  const runsAsOwnUid = Number(/^(\d+)(:\d+)?$/.exec(asString(field(body, 'User'), 'User'))?.[1] ?? -1) === account.uid;
  if (rules.runAs === 'any' && inherited !== account.name && !runsAsOwnUid) {
    return [`add --label ${OWNER_LABEL}=${account.name} so your container stays yours`];
  }
  return [];
}

/** The user a container runs as, and its supplementary groups: the user's own, unless the policy says any. */
async function identityProblems(body: GoValue, context: RuleContext): Promise<string[]> {
  const { rules } = context;
  const user = asString(field(body, 'User'), 'User');
  const problem = await runAsProblem(user, context, `-u ${user || "(the image's user)"}`, false);
  if (problem) return [problem];
  if (rules.runAs === 'any') return [];
  if (rules.noNewPrivileges) {
    const hostConfigs = [field(body, 'HostConfig'), body];
    const hasNnp = hostConfigs.some((hc) => (asStringArray(field(hc, 'SecurityOpt'), 'SecurityOpt') ?? []).some(isNoNewPrivileges));
    if (!hasNnp) return ['add --security-opt no-new-privileges (so nothing in the image can become root)'];
  }
  return [];
}

/** At most this many binds and mounts in one create: bounded work per request. */
const MAX_MOUNTS = 64;

/**
 * A bind source: inside the policy's roots, reached by a walk that passes nothing the user
 * could rename or replace (see host-mounts.ts: dockerd resolves it again at every start).
 */
export async function bindSourceProblem(source: string, flag: string, context: RuleContext): Promise<string> {
  const { account, paths, rules } = context;
  const verdict = await walkBindSource(source, account, paths);
  if (verdict.problem) {
    return `${flag}: ${source} ${verdict.problem}, so it could point elsewhere by the time dockerd mounts it: bind a directory you cannot move, such as your home (-v $HOME:$HOME -w $HOME/…)`;
  }
  // A real path under a root as written is under that root: every directory it passes is real.
  // Only otherwise are the roots themselves resolved (a site's /home may be a symlink).
  const written = mountRoots(rules.mounts, account);
  if (insideRoots(verdict.resolved, written)) return '';
  const roots = await Promise.all(written.map(async (root) => (await walkBindSource(root, account, paths)).resolved));
  if (!insideRoots(verdict.resolved, roots)) return `${flag}: ${verdict.resolved} is outside the directories you may mount (${roots.join(', ') || 'none'})`;
  return '';
}

/** -v/--mount: host paths only inside the policy's roots; named volumes only the user's own, plain local ones. */
async function mountProblems(hc: GoValue, context: RuleContext): Promise<string[]> {
  const problems: string[] = [];
  const binds = asStringArray(field(hc, 'Binds'), 'Binds') ?? [];
  const mounts = asArray(field(hc, 'Mounts'), 'Mounts') ?? [];
  if (binds.length + mounts.length > MAX_MOUNTS) return [`${binds.length + mounts.length} mounts in one container: at most ${MAX_MOUNTS}`];
  for (const [index, bind] of binds.entries()) {
    // Each walk's look-ups may all be cached, never leaving the event loop: other users' requests go in between.
    if (index > 0) await new Promise((resolve) => setImmediate(resolve));
    const parsed = parseBind(bind);
    if (!parsed) problems.push(`-v ${bind}: not a volume specification dockerd would read the same way`);
    else if (parsed.kind === 'bind') problems.push(await bindSourceProblem(parsed.source, `-v ${bind}`, context));
    else if (parsed.kind === 'volume') problems.push(...(await volumeProblems(parsed.source, `-v ${bind}`, context)));
  }
  for (const mount of mounts) {
    await new Promise((resolve) => setImmediate(resolve));
    const type = asString(field(mount, 'Type'), 'Mounts.Type');
    const source = asString(field(mount, 'Source'), 'Mounts.Source');
    const flag = `--mount type=${type},source=${source}`;
    if (type === 'bind') {
      problems.push(await bindSourceProblem(source, flag, context));
      const options = field(mount, 'BindOptions');
      const propagation = asString(field(options, 'Propagation'), 'BindOptions.Propagation');
      if (!['', 'private', 'rprivate'].includes(propagation)) problems.push(`${flag}: bind-propagation=${propagation} is not allowed`);
      if (asBool(field(options, 'CreateMountpoint'), 'BindOptions.CreateMountpoint')) problems.push(`${flag}: bind-create-mountpoint is not allowed`);
    } else if (type === 'volume') {
      const volumeOptions = field(mount, 'VolumeOptions');
      const driverConfig = field(volumeOptions, 'DriverConfig');
      const driverName = asString(field(driverConfig, 'Name'), 'DriverConfig.Name');
      if ((driverName !== '' && driverName !== 'local') || stringMap(field(driverConfig, 'Options'), 'DriverConfig.Options').size > 0) {
        problems.push(`${flag}: volume driver options are not allowed (they can mount host paths)`);
      }
      const labels = stringMap(field(volumeOptions, 'Labels'), 'VolumeOptions.Labels').get(OWNER_LABEL);
      if (labels !== undefined && labels !== context.account.name) problems.push(`${flag}: --label ${OWNER_LABEL}=${labels} is not you`);
      if (asString(field(volumeOptions, 'Subpath'), 'VolumeOptions.Subpath') !== '') problems.push(`${flag}: volume-subpath is not allowed`);
      if (source !== '') problems.push(...(await volumeProblems(source, flag, context)));
    } else if (type !== 'tmpfs') {
      problems.push(`--mount type=${type} is not allowed`);
    }
  }
  return problems.filter(Boolean);
}

/** A named volume: the user's own (or new), of the local driver with no options. */
async function volumeProblems(name: string, flag: string, context: RuleContext): Promise<string[]> {
  const ownership = await ownVolumeProblem(name, context, flag);
  if (ownership) return [ownership];
  const volume = await context.docker.volume(name);
  if (!volume) return []; // dockerd will create a new, empty local volume, recorded as the user's
  if (volume.driver !== 'local') return [`${flag}: volume ${name} uses driver ${volume.driver}, which is not allowed`];
  if (Object.keys(volume.options).length > 0) return [`${flag}: volume ${name} mounts ${volume.options.device ?? 'a device'} with options ${JSON.stringify(volume.options)}, which is not allowed`];
  return [];
}

/** The image, by every name it answers to (a tag can be re-pointed; a container can name it by ID). */
export function imageProblems(reference: string, info: ImageInfo | undefined, context: RuleContext): string[] {
  if (reference === '') return ['no image given'];
  const names = imageNames(reference, info);
  if (imageAllowed(names, context.rules.images)) return [];
  return [`image ${reference} (${names.join(', ') || 'untagged'}) is not on the allowed list: ask your administrator which images you may run`];
}

/**
 * dockerd resolves a container's bind sources again at start, restart, `docker cp` and
 * --volumes-from: they are walked again (a container made under an older policy, or by
 * the administrator for the user, may have sources the user can move).
 */
export async function bindsStillSafeProblems(reference: string, context: RuleContext): Promise<string[]> {
  const info = await context.docker.container(reference);
  if (!info) return [];
  const sources = [
    ...info.binds.map(parseBind).filter((bind) => bind?.kind === 'bind').map((bind) => bind!.source),
    ...info.mounts.filter((mount) => mount.type === 'bind').map((mount) => mount.source),
  ];
  const problems = await Promise.all(sources.map((source) => bindSourceProblem(source, `the mount of ${source}`, context)));
  return problems.filter(Boolean);
}
