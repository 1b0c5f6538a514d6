import { asArray, asBool, asString, field, type GoValue } from '../decode/go-json.js';
import { boundsProblems } from './bounds.js';
import { runAsProblem, type RuleContext } from './rule-context.js';

/**
 * docker exec: never privileged; as the user's own uid *and* gid (or, without -u, the
 * container's own user, which its create was checked for). A uid alone would take its
 * gid and supplementary groups from the image.
 */
export async function execCreateProblems(body: GoValue, context: RuleContext): Promise<string[]> {
  const problems: string[] = [];
  if (asBool(field(body, 'Privileged'), 'Privileged')) problems.push('docker exec --privileged is not allowed');
  const user = asString(field(body, 'User'), 'User');
  const problem = await runAsProblem(user, context, `docker exec -u ${user}`, true);
  if (problem) problems.push(problem.replace('run as yourself: add', 'docker exec: add'));
  return problems;
}

/** docker exec's start: only whether to attach and the terminal's size. */
export function execStartProblems(body: GoValue): string[] {
  asBool(field(body, 'Detach'), 'Detach');
  asBool(field(body, 'Tty'), 'Tty');
  return [];
}

/** docker update: resource limits within the bounds; nothing that adds devices or moves the cgroup. */
export function updateProblems(body: GoValue, context: RuleContext): string[] {
  const problems: string[] = [];
  for (const [key, flag] of [['Devices', '--device'], ['DeviceCgroupRules', '--device-cgroup-rule'], ['DeviceRequests', '--gpus']] as const) {
    if ((asArray(field(body, key), key) ?? []).length > 0) problems.push(`docker update ${flag} is not allowed`);
  }
  if (asString(field(body, 'CgroupParent'), 'CgroupParent') !== '') problems.push('docker update --cgroup-parent is not allowed');
  problems.push(...boundsProblems(body, context, 'docker update '));
  return problems;
}
