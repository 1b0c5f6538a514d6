import { asBool, asString, field, stringMap, type GoValue } from '../decode/go-json.js';
import { OWNER_LABEL } from './lookups.js';
import { ownContainerProblem, ownVolumeProblem, type RuleContext } from './rule-context.js';

/** Labels on a new object may name its owner only as the user. */
function ownerLabelProblem(labels: GoValue | undefined, where: string, context: RuleContext): string[] {
  const owner = stringMap(labels, `${where}.Labels`).get(OWNER_LABEL);
  return owner !== undefined && owner !== context.account.name ? [`--label ${OWNER_LABEL}=${owner} is not you`] : [];
}

/**
 * docker volume create: the local driver with no options (options can mount any host path
 * or device), under a name that is not someone else's volume (dockerd answers a create of
 * an existing name with that volume, which the plugin would then record as the user's).
 */
export async function volumeCreateProblems(body: GoValue, context: RuleContext): Promise<string[]> {
  const problems: string[] = [];
  const driver = asString(field(body, 'Driver'), 'Driver');
  if (driver !== '' && driver !== 'local') problems.push(`volume driver ${driver} is not allowed`);
  const options = stringMap(field(body, 'DriverOpts'), 'DriverOpts');
  if (options.size > 0) problems.push(`volume options (${[...options.keys()].map((key) => `-o ${key}`).join(' ')}) are not allowed: they can bind host paths; mount a directory of your home instead`);
  const cluster = field(body, 'ClusterVolumeSpec');
  if (cluster !== undefined && cluster.kind !== 'null') problems.push('cluster volumes are not allowed');
  problems.push(...ownerLabelProblem(field(body, 'Labels'), 'volume', context));
  const name = asString(field(body, 'Name'), 'Name');
  if (name !== '') {
    const problem = await ownVolumeProblem(name, context, `docker volume create ${name}`);
    if (problem) problems.push(problem);
  }
  return problems;
}

/**
 * docker network create (what compose does for a project): a plain bridge of the user's
 * own, without driver or IPAM options (they reach the host's interfaces and routes).
 */
export function networkCreateProblems(body: GoValue, context: RuleContext): string[] {
  const problems: string[] = [];
  const driver = asString(field(body, 'Driver'), 'Driver');
  if (driver !== '' && driver !== 'bridge') problems.push(`network driver ${driver} is not allowed (only bridge)`);
  if (stringMap(field(body, 'Options'), 'Options').size > 0) problems.push('network driver options (-o) are not allowed');
  const ipam = field(body, 'IPAM');
  const ipamDriver = asString(field(ipam, 'Driver'), 'IPAM.Driver');
  if (ipamDriver !== '' && ipamDriver !== 'default') problems.push(`IPAM driver ${ipamDriver} is not allowed`);
  if (stringMap(field(ipam, 'Options'), 'IPAM.Options').size > 0) problems.push('IPAM options are not allowed');
  for (const key of ['Ingress', 'ConfigOnly']) if (asBool(field(body, key), key)) problems.push(`${key} networks are not allowed`);
  const configFrom = field(body, 'ConfigFrom');
  if (configFrom !== undefined && configFrom.kind !== 'null' && asString(field(configFrom, 'Network'), 'ConfigFrom.Network') !== '') problems.push('--config-from is not allowed');
  const scope = asString(field(body, 'Scope'), 'Scope');
  if (scope !== '' && scope !== 'local') problems.push(`--scope ${scope} is not allowed`);
  problems.push(...ownerLabelProblem(field(body, 'Labels'), 'network', context));
  return problems;
}

/**
 * An endpoint's settings: addresses and aliases are the user's business; driver options
 * are not (from API 1.47 they set sysctls on the host side of the interface).
 */
export function endpointProblems(endpoint: GoValue | undefined, flag: string): string[] {
  return stringMap(field(endpoint, 'DriverOpts'), 'EndpointSettings.DriverOpts').size > 0 ? [`${flag}: endpoint driver options are not allowed`] : [];
}

/** docker network connect/disconnect: the user's own containers, on networks they made or the policy shares (checked as the target). */
export async function networkConnectProblems(body: GoValue, network: string, context: RuleContext): Promise<string[]> {
  if (network === 'host') return ['the host network is not allowed'];
  const container = asString(field(body, 'Container'), 'Container');
  const problem = await ownContainerProblem(container, context, `network ${network}`);
  return [...(problem ? [problem] : []), ...endpointProblems(field(body, 'EndpointConfig'), `network connect ${network}`)];
}
