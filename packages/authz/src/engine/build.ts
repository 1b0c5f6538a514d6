import { queryValue, type RequestInputs } from '../decode/request-inputs.js';
import { inOwnNamespace } from './image-reference.js';
import { parseSize, formatSize } from './policy-limits.js';
import type { RuleContext } from './rule-context.js';

/** Parameters that reach the host or the network, and are refused in a user's build. */
const HOST_REACHING: Array<[string, string]> = [
  ['remote', 'a remote build context is fetched by dockerd itself: send the context from your machine (docker build DIR)'],
  ['cgroupparent', '--cgroup-parent is not allowed'],
  ['outputs', 'build outputs are BuildKit\'s'],
  ['session', 'build sessions are BuildKit\'s: use DOCKER_BUILDKIT=0'],
  ['isolation', '--isolation is not allowed'],
  ['squash', '--squash is not allowed'],
  ['securityopt', 'build security options are not allowed'],
];

/**
 * docker build with the classic builder, when the policy's `build: true` allows it: the
 * image is tagged only under the user's own name (a shared name would re-point what others
 * run), built on the default network, from a context the client sends. BuildKit (version 2,
 * /session, /grpc) is refused: its gRPC stream cannot be judged.
 */
export function buildProblems(inputs: RequestInputs, context: RuleContext): string[] {
  const { account, rules } = context;
  if (!rules.build) return ['docker build is not enabled on this host (policy: build: true)'];
  const problems: string[] = [];
  const version = queryValue(inputs, 'version');
  if (version !== '' && version !== '1') problems.push('BuildKit is not available here: build with the classic builder, DOCKER_BUILDKIT=0 docker build …');
  for (const [key, why] of HOST_REACHING) {
    if ((inputs.query.get(key) ?? []).some((value) => value !== '' && value !== '[]' && value !== '{}' && value !== 'null')) problems.push(`docker build: ${why}`);
  }
  const network = queryValue(inputs, 'networkmode');
  if (!['', 'default', 'bridge', 'none'].includes(network)) problems.push(`docker build --network ${network} is not allowed`);
  const tags = inputs.query.get('t') ?? [];
  for (const tag of tags) {
    if (!inOwnNamespace(tag, account.name)) problems.push(`docker build -t ${tag}: tag under your own name, -t ${account.name}/${tag.split('/').pop()}`);
  }
  const shm = queryValue(inputs, 'shmsize');
  const limit = rules.limits.shmSize;
  const shmBytes = parseSize(shm) ?? Infinity;
  if (shm !== '' && limit !== undefined && shmBytes > limit) problems.push(`docker build --shm-size ${Number.isFinite(shmBytes) ? formatSize(shmBytes) : shm} is over this host's limit of ${formatSize(limit)}`);
  const ulimits = queryValue(inputs, 'ulimits');
  if (ulimits !== '' && ulimits !== 'null' && ulimits !== '[]') problems.push('docker build --ulimit is not allowed');
  return problems;
}
