import { asArray, asBool, asString, field, stringMap, type GoValue } from '../decode/go-json.js';
import { imageAllowed, normalizeImageReference } from './image-reference.js';
import { OWNER_LABEL } from './lookups.js';
import { isOwnUser, ownContainerProblem, remapProblem, type RuleContext } from './rule-context.js';

/** docker exec: never privileged; as the user themselves (or the container's user, which is theirs). */
export async function execCreateProblems(body: GoValue, context: RuleContext): Promise<string[]> {
  const problems: string[] = [];
  if (asBool(field(body, 'Privileged'), 'Privileged')) problems.push('docker exec --privileged is not allowed');
  const user = asString(field(body, 'User'), 'User');
  const { account, rules } = context;
  if (user !== '' && rules.runAs === 'self' && !isOwnUser(user, account)) {
    problems.push(`docker exec -u ${user} is not you: leave -u out, or use -u ${account.uid}:${account.gid}`);
  }
  // Without -u, exec runs as the container's own user, which its create was checked for.
  if (user !== '') {
    const remap = await remapProblem(user, context, `docker exec -u ${user}`);
    if (remap) problems.push(remap);
  }
  return problems;
}

/** docker update: resource limits only; nothing that adds devices or moves the cgroup. */
export function updateProblems(body: GoValue): string[] {
  const problems: string[] = [];
  for (const [key, flag] of [['Devices', '--device'], ['DeviceCgroupRules', '--device-cgroup-rule'], ['DeviceRequests', '--gpus']] as const) {
    if ((asArray(field(body, key), key) ?? []).length > 0) problems.push(`docker update ${flag} is not allowed`);
  }
  if (asString(field(body, 'CgroupParent'), 'CgroupParent') !== '') problems.push('docker update --cgroup-parent is not allowed');
  return problems;
}

/** docker volume create: the local driver with no options (options can mount any host path or device). */
export function volumeCreateProblems(body: GoValue, context: RuleContext): string[] {
  const problems: string[] = [];
  const driver = asString(field(body, 'Driver'), 'Driver');
  if (driver !== '' && driver !== 'local') problems.push(`volume driver ${driver} is not allowed`);
  const options = stringMap(field(body, 'DriverOpts'), 'DriverOpts');
  if (options.size > 0) problems.push(`volume options (${[...options.keys()].map((key) => `-o ${key}`).join(' ')}) are not allowed: they can bind host paths; mount a directory of your home instead`);
  const cluster = field(body, 'ClusterVolumeSpec');
  if (cluster !== undefined && cluster.kind !== 'null') problems.push('cluster volumes are not allowed');
  const owner = stringMap(field(body, 'Labels'), 'Labels').get(OWNER_LABEL);
  if (owner !== undefined && owner !== context.account.name) problems.push(`--label ${OWNER_LABEL}=${owner} is not you`);
  return problems;
}

/** docker network connect/disconnect: only your own containers. */
export async function networkConnectProblems(body: GoValue, network: string, context: RuleContext): Promise<string[]> {
  if (network === 'host') return ['the host network is not allowed'];
  const container = asString(field(body, 'Container'), 'Container');
  const problem = await ownContainerProblem(container, context, `network ${network}`);
  return problem ? [problem] : [];
}

/** docker pull: the image name (with its tag or digest) must be allowed before anything is fetched. */
export function pullProblems(query: URLSearchParams, context: RuleContext): string[] {
  const name = query.get('fromImage') ?? '';
  const tag = query.get('tag') ?? '';
  if (name === '') return ['docker pull without an image name is not allowed'];
  const reference = tag === '' ? name : tag.startsWith('sha256:') ? `${name}@${tag}` : `${name}:${tag}`;
  if (imageAllowed([normalizeImageReference(reference)], context.rules.images)) return [];
  return [`image ${reference} is not on the allowed list: ask your administrator which images you may use`];
}
