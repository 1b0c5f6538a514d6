import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';

/**
 * Resource bounds a user's container must stay within. A request over a bound is
 * refused with the bound in the message; what dockerd can enforce itself (log size)
 * `daemon configure` also sets as its default.
 */
export interface Limits {
  /** Largest --memory in bytes; when set, a container must give one. */
  memory?: number;
  /** Largest --shm-size in bytes. */
  shmSize?: number;
  /** Largest tmpfs mount in bytes; a tmpfs must give its size (unsized, it may take half the host's memory). */
  tmpfsSize?: number;
  /** Largest --pids-limit; unlimited (-1) is refused. */
  pids?: number;
  /** Largest --log-opt max-size in bytes, and max-file. */
  logMaxSize?: number;
  logMaxFile?: number;
  /** Ulimits users may set, each with its largest hard value; any other (rtprio, memlock, nice, …) is refused. */
  ulimits?: Record<string, number>;
}

export const DEFAULT_LIMITS: Required<Omit<Limits, 'memory'>> & Pick<Limits, 'memory'> = {
  memory: undefined,
  shmSize: 1024 ** 3,
  tmpfsSize: 1024 ** 3,
  pids: 4096,
  logMaxSize: 100 * 1024 ** 2,
  logMaxFile: 5,
  ulimits: { nofile: 1_048_576, nproc: 65_536, core: 0, stack: 64 * 1024 ** 2 },
};

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** A size as docker's units.RAMInBytes reads it ("512m", "1g", "1024"); undefined if it is not one. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * (UNITS[(match[2] as string).toLowerCase()] as number));
}

export function formatSize(bytes: number): string {
  for (const [unit, size] of [['g', 1024 ** 3], ['m', 1024 ** 2], ['k', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

const LIMIT_KEYS = ['memory', 'shm_size', 'tmpfs_size', 'pids', 'log_max_size', 'log_max_file', 'ulimits'];

/** Reads a section's `limits:` mapping; `fail` throws the policy error naming the node. */
export function parseLimits(node: unknown, where: string, fail: (node: Node | null | undefined, message: string) => never): Limits {
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) return {};
  if (!isMap(node)) return fail(node as Node, `${where} must be a mapping (${LIMIT_KEYS.join(', ')})`);
  const map = node as YAMLMap;
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!LIMIT_KEYS.includes(key)) fail(pair.key as Node, `unknown limit "${key}" in ${where} (known: ${LIMIT_KEYS.join(', ')})`);
  }
  const size = (key: string): number | undefined => {
    const value = map.get(key, true) as Node | undefined;
    if (value === undefined) return undefined;
    const bytes = isScalar(value) ? parseSize(String(value.value)) : undefined;
    return bytes ?? fail(value, `${where}.${key} must be a size such as 512m or 2g`);
  };
  const count = (value: unknown, name: string): number => {
    if (isScalar(value) && typeof value.value === 'number' && Number.isInteger(value.value) && value.value >= 0) return value.value;
    return fail(value as Node, `${name} must be a whole number`);
  };
  const optionalCount = (key: string): number | undefined => (map.get(key, true) === undefined ? undefined : count(map.get(key, true), `${where}.${key}`));
  let ulimits: Record<string, number> | undefined;
  const ulimitNode = map.get('ulimits', true);
  if (ulimitNode !== undefined) {
    if (!isMap(ulimitNode)) fail(ulimitNode as Node, `${where}.ulimits must map a ulimit name to its largest value`);
    ulimits = {};
    for (const pair of (ulimitNode as YAMLMap).items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : fail(pair.key as Node, `${where}.ulimits must be keyed by name`);
      ulimits[name] = count(pair.value, `${where}.ulimits.${name}`);
    }
  }
  return {
    memory: size('memory'),
    shmSize: size('shm_size'),
    tmpfsSize: size('tmpfs_size'),
    pids: optionalCount('pids'),
    logMaxSize: size('log_max_size'),
    logMaxFile: optionalCount('log_max_file'),
    ulimits,
  };
}

/** Later sections override earlier ones, key by key; ulimits merge by name. */
export function mergeLimits(base: Limits, next: Limits): Limits {
  const merged: Limits = { ...base };
  for (const key of ['memory', 'shmSize', 'tmpfsSize', 'pids', 'logMaxSize', 'logMaxFile'] as const) {
    if (next[key] !== undefined) merged[key] = next[key];
  }
  if (next.ulimits) merged.ulimits = { ...base.ulimits, ...next.ulimits };
  return merged;
}
