import { queryValue, type RequestInputs } from '../decode/request-inputs.js';
import { imageAllowed, inOwnNamespace, normalizeImageReference, pullReference } from './image-reference.js';
import type { RuleContext } from './rule-context.js';

/**
 * docker pull: the reference dockerd will fetch — fromImage and tag combined as it
 * combines them — must be allowed before anything is fetched; a name alone (every
 * tag) is refused.
 */
export function pullProblems(inputs: RequestInputs, context: RuleContext): string[] {
  const name = queryValue(inputs, 'fromImage');
  if (name === '') return ['docker pull without an image name is not allowed'];
  for (const key of ['repo', 'message', 'changes']) {
    if (inputs.query.has(key)) return [`docker pull: "${key}" belongs to an import, not a pull`];
  }
  const combined = pullReference(name, queryValue(inputs, 'tag'));
  if ('problem' in combined) return [`docker pull: ${combined.problem}`];
  if (imageAllowed([normalizeImageReference(combined.reference)], context.rules.images)) return [];
  return [`image ${combined.reference} is not on the allowed list: ask your administrator which images you may use`];
}

/**
 * docker import: only from the request's own body ("-"), into the user's own name; a
 * URL in fromSrc makes dockerd fetch it, as root, from wherever the user says.
 */
export function importProblems(inputs: RequestInputs, context: RuleContext): string[] {
  const source = queryValue(inputs, 'fromSrc');
  const problems: string[] = [];
  if (source !== '-') problems.push(`docker import from ${source} is not allowed: dockerd would fetch it itself; download it, then docker import FILE`);
  const repo = queryValue(inputs, 'repo');
  if (repo !== '' && !inOwnNamespace(repo, context.account.name)) {
    problems.push(`docker import: import under your own name (${context.account.name}/NAME), not ${repo}`);
  }
  return problems;
}
