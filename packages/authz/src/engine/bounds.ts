import { asArray, asBool, asNumber, asString, field, stringMap, type GoValue } from '../decode/go-json.js';
import { formatSize, parseSize } from './policy-limits.js';
import type { RuleContext } from './rule-context.js';

const LOG_OPTIONS = new Set(['max-size', 'max-file', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag']);

/**
 * Resource bounds on a create's HostConfig or an update's body (both carry Resources and
 * RestartPolicy at the same level): every setting that lets one user's container take
 * the host's memory, processes or scheduler, or outlive its owner.
 */
export function boundsProblems(hc: GoValue, context: RuleContext, flagPrefix = ''): string[] {
  const { limits, restartPolicies } = context.rules;
  const problems: string[] = [];
  const over = (flag: string, value: number, limit: number | undefined, format = formatSize): void => {
    if (limit !== undefined && value > limit) problems.push(`${flagPrefix}${flag} ${format(value)} is over this host's limit of ${format(limit)}`);
  };
  over('--shm-size', asNumber(field(hc, 'ShmSize'), 'ShmSize'), limits.shmSize);
  const memory = asNumber(field(hc, 'Memory'), 'Memory');
  if (limits.memory !== undefined) {
    if (memory <= 0 && flagPrefix === '') problems.push(`give a memory limit: --memory ${formatSize(limits.memory)} or less`);
    over('--memory', memory, limits.memory);
  }
  if (asBool(field(hc, 'OomKillDisable'), 'OomKillDisable')) problems.push(`${flagPrefix}--oom-kill-disable is not allowed`);
  const pids = field(hc, 'PidsLimit');
  if (pids !== undefined && pids.kind !== 'null') {
    const value = asNumber(pids, 'PidsLimit');
    if (value < 0) problems.push(`${flagPrefix}--pids-limit ${value} (unlimited) is not allowed: give at most ${limits.pids}`);
    else over('--pids-limit', value, limits.pids, String);
  }
  for (const ulimit of asArray(field(hc, 'Ulimits'), 'Ulimits') ?? []) {
    const name = asString(field(ulimit, 'Name'), 'Ulimits.Name');
    const hard = asNumber(field(ulimit, 'Hard'), 'Ulimits.Hard');
    const soft = asNumber(field(ulimit, 'Soft'), 'Ulimits.Soft');
    const max = limits.ulimits?.[name];
    if (max === undefined) problems.push(`${flagPrefix}--ulimit ${name} is not allowed (allowed: ${Object.keys(limits.ulimits ?? {}).join(', ') || 'none'})`);
    else if (hard < 0 || soft < 0 || hard > max || soft > max) problems.push(`${flagPrefix}--ulimit ${name}=${soft}:${hard} is over this host's limit of ${max}`);
  }
  const restart = field(hc, 'RestartPolicy');
  if (restart !== undefined && restart.kind !== 'null') {
    const name = asString(field(restart, 'Name'), 'RestartPolicy.Name');
    if (!restartPolicies.has(name)) problems.push(`${flagPrefix}--restart ${name} is not allowed here (dockerd would restart it by itself, even after your access ends): allowed: ${[...restartPolicies].filter(Boolean).join(', ')}`);
  }
  return problems;
}

/** Log options: only the json-file/local ones that shape the log, with size and count bounded. */
export function logProblems(hc: GoValue, context: RuleContext): string[] {
  const { limits } = context.rules;
  const options = stringMap(field(field(hc, 'LogConfig'), 'Config'), 'LogConfig.Config');
  const problems: string[] = [];
  for (const [key, value] of options) {
    if (!LOG_OPTIONS.has(key)) problems.push(`--log-opt ${key} is not allowed`);
    else if (key === 'max-size') {
      const bytes = value === '-1' ? Infinity : parseSize(value);
      if (bytes === undefined) problems.push(`--log-opt max-size=${value} is not a size`);
      else if (limits.logMaxSize !== undefined && bytes > limits.logMaxSize) problems.push(`--log-opt max-size=${value} is over this host's limit of ${formatSize(limits.logMaxSize)}`);
    } else if (key === 'max-file') {
      const count = Number(value);
      if (!Number.isInteger(count) || count < 1 || (limits.logMaxFile !== undefined && count > limits.logMaxFile)) problems.push(`--log-opt max-file=${value}: give 1 to ${limits.logMaxFile}`);
    }
  }
  return problems;
}

/** Tmpfs mounts must say their size (unsized, one may fill half the host's memory), within the limit. */
export function tmpfsProblems(hc: GoValue, context: RuleContext): string[] {
  const limit = context.rules.limits.tmpfsSize;
  const problems: string[] = [];
  for (const [target, options] of stringMap(field(hc, 'Tmpfs'), 'Tmpfs')) {
    const size = /(?:^|,)size=([^,]*)/.exec(options)?.[1];
    const bytes = size === undefined ? undefined : parseSize(size);
    if (bytes === undefined || bytes <= 0) problems.push(`--tmpfs ${target}: give its size, e.g. --tmpfs ${target}:size=64m`);
    else if (limit !== undefined && bytes > limit) problems.push(`--tmpfs ${target}: size ${size} is over this host's limit of ${formatSize(limit)}`);
  }
  for (const mount of asArray(field(hc, 'Mounts'), 'Mounts') ?? []) {
    if (asString(field(mount, 'Type'), 'Mounts.Type') !== 'tmpfs') continue;
    const target = asString(field(mount, 'Target'), 'Mounts.Target');
    const bytes = asNumber(field(field(mount, 'TmpfsOptions'), 'SizeBytes'), 'TmpfsOptions.SizeBytes');
    if (bytes <= 0) problems.push(`--mount type=tmpfs,dst=${target}: give its size (tmpfs-size=64m)`);
    else if (limit !== undefined && bytes > limit) problems.push(`--mount type=tmpfs,dst=${target}: size ${formatSize(bytes)} is over this host's limit of ${formatSize(limit)}`);
  }
  return problems;
}
