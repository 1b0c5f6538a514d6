import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/** One section of the policy: base, a group's, or a user's. */
export interface PolicySection {
  /** Actions allowed ("container.*", "image.pull", ...). */
  allow: string[];
  /** Actions denied even if allowed by an earlier section. */
  deny: string[];
  images: { allow: string[]; deny: string[] };
  /** Host paths users may bind-mount; "~" is the user's home. */
  mounts: string[];
  /** "self": containers run as the user's own uid:gid. "any": any user inside (only safe with userns-remap). */
  runAs?: 'self' | 'any';
  capabilities: string[];
  devices: string[];
  /** Require --security-opt no-new-privileges (keeps a non-root container non-root). */
  noNewPrivileges?: boolean;
  hostNetwork?: boolean;
  /** Host ports below 1024 (dockerd binds them as root). */
  privilegedPorts?: boolean;
  logDrivers: string[];
}

export interface Policy {
  source: string;
  sha256: string;
  base: PolicySection;
  groups: Map<string, PolicySection>;
  users: Map<string, PolicySection>;
}

/** The rules in force for one user: base, then each of their groups, then their own section. */
/** The rules in force for one user; shared between requests, so never changed once merged. */
export interface EffectiveRules {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
  readonly images: { readonly allow: readonly RegExp[]; readonly deny: readonly RegExp[] };
  readonly mounts: readonly string[];
  readonly runAs: 'self' | 'any';
  readonly capabilities: ReadonlySet<string>;
  readonly devices: ReadonlySet<string>;
  readonly noNewPrivileges: boolean;
  readonly hostNetwork: boolean;
  readonly privilegedPorts: boolean;
  readonly logDrivers: ReadonlySet<string>;
  /** The sections that applied, for the audit record. */
  readonly sections: readonly string[];
}

export class PolicyError extends Error {
  readonly exitCode = 2 as const;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const SECTION_KEYS = ['allow', 'deny', 'images', 'mounts', 'run_as', 'capabilities', 'devices', 'no_new_privileges', 'host_network', 'privileged_ports', 'log_drivers'];

/** Parses and checks a policy file; any problem rejects the whole file, naming line and column. */
export function parsePolicy(text: string, source: string): Policy {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const where = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0];
    if (offset === undefined) return source;
    const { line, col } = lineCounter.linePos(offset);
    return `${source}:${line}:${col}`;
  };
  const first = document.errors[0];
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new PolicyError(`failed to load policy ${source}:${line}:${col}: ${first.message.split('\n')[0]}`, 'fix the file; the plugin keeps (or refuses to start without) a good policy');
  }
  const root = document.contents;
  if (!isMap(root)) throw new PolicyError(`failed to load policy ${source}: expected a mapping with version, base, groups, users`);
  const fail = (node: Node | null | undefined, message: string): never => {
    throw new PolicyError(`failed to load policy ${where(node)}: ${message}`);
  };
  const strings = (node: unknown, what: string): string[] => {
    if (node === undefined || node === null) return [];
    if (!isSeq(node)) return fail(node as Node, `${what} must be a list`);
    return node.items.map((item) => {
      if (!isScalar(item) || typeof item.value !== 'string') return fail(item as Node, `${what} must hold strings`);
      return item.value;
    });
  };
  const boolean = (node: unknown, what: string): boolean | undefined => {
    if (node === undefined) return undefined;
    if (!isScalar(node) || typeof node.value !== 'boolean') return fail(node as Node, `${what} must be true or false`);
    return node.value;
  };
  const section = (node: unknown, name: string): PolicySection => {
    if (node === null || (isScalar(node) && node.value === null)) node = undefined;
    if (node !== undefined && !isMap(node)) return fail(node as Node, `${name} must be a mapping`);
    const get = (key: string): unknown => (node && isMap(node) ? node.get(key, true) : undefined);
    if (node && isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (!SECTION_KEYS.includes(key)) fail(pair.key as Node, `unknown setting "${key}" in ${name} (known: ${SECTION_KEYS.join(', ')})`);
      }
    }
    const images = get('images');
    if (images !== undefined && !isMap(images)) fail(images as Node, `${name}.images must be a mapping with allow and deny`);
    const imageList = (key: string): string[] => {
      const list = strings(images && isMap(images) ? images.get(key, true) : undefined, `${name}.images.${key}`);
      for (const pattern of list) {
        try {
          new RegExp(pattern);
        } catch (error) {
          fail(images as Node, `${name}.images.${key}: ${JSON.stringify(pattern)} is not a regular expression (${(error as Error).message})`);
        }
      }
      return list;
    };
    const runAsNode = get('run_as');
    let runAs: PolicySection['runAs'];
    if (runAsNode !== undefined) {
      if (!isScalar(runAsNode) || (runAsNode.value !== 'self' && runAsNode.value !== 'any')) fail(runAsNode as Node, `${name}.run_as must be "self" or "any"`);
      runAs = (runAsNode as { value: 'self' | 'any' }).value;
    }
    const mounts = strings(get('mounts'), `${name}.mounts`);
    for (const mount of mounts) {
      if (!(mount === '~' || mount.startsWith('~/') || mount.startsWith('/'))) fail(get('mounts') as Node, `${name}.mounts: ${JSON.stringify(mount)} must be absolute or start with ~`);
    }
    return {
      allow: strings(get('allow'), `${name}.allow`),
      deny: strings(get('deny'), `${name}.deny`),
      images: { allow: imageList('allow'), deny: imageList('deny') },
      mounts,
      runAs,
      capabilities: strings(get('capabilities'), `${name}.capabilities`).map((cap) => cap.toUpperCase().replace(/^CAP_/, '')),
      devices: strings(get('devices'), `${name}.devices`),
      noNewPrivileges: boolean(get('no_new_privileges'), `${name}.no_new_privileges`),
      hostNetwork: boolean(get('host_network'), `${name}.host_network`),
      privilegedPorts: boolean(get('privileged_ports'), `${name}.privileged_ports`),
      logDrivers: strings(get('log_drivers'), `${name}.log_drivers`),
    };
  };
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!['version', 'base', 'groups', 'users'].includes(key)) fail(pair.key as Node, `unknown top-level key "${key}" (known: version, base, groups, users)`);
  }
  const version = root.get('version', true);
  if (!isScalar(version) || (version as { value: unknown }).value !== 1) fail(version as Node, 'version must be 1');
  const named = (key: 'groups' | 'users'): Map<string, PolicySection> => {
    const node = root.get(key, true);
    const map = new Map<string, PolicySection>();
    if (node === undefined || (isScalar(node) && node.value === null)) return map;
    if (!isMap(node)) return fail(node as Node, `${key} must be a mapping of names to sections`);
    for (const pair of node.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : fail(pair.key as Node, `${key} must be keyed by name`);
      map.set(name, section(pair.value, `${key}.${name}`));
    }
    return map;
  };
  return {
    source,
    sha256: createHash('sha256').update(text).digest('hex'),
    base: section(root.get('base', true), 'base'),
    groups: named('groups'),
    users: named('users'),
  };
}

/** Merges base, the user's groups (in the order given) and the user's own section. */
export function effectiveRules(policy: Policy, user: string, groups: readonly string[]): EffectiveRules {
  // Merged once per policy, user and groups: every request of a user needs the same rules.
  let cache = mergedRules.get(policy);
  if (!cache) {
    cache = new Map();
    mergedRules.set(policy, cache);
  }
  const key = `${user}\n${groups.join('\n')}`;
  let rules = cache.get(key);
  if (!rules) {
    rules = mergeRules(policy, user, groups);
    if (cache.size > 10_000) cache.clear();
    cache.set(key, rules);
  }
  return rules;
}

const mergedRules = new WeakMap<Policy, Map<string, EffectiveRules>>();

function mergeRules(policy: Policy, user: string, groups: readonly string[]): EffectiveRules {
  const sections: Array<[string, PolicySection]> = [['base', policy.base]];
  for (const group of groups) {
    const section = policy.groups.get(group);
    if (section) sections.push([`groups.${group}`, section]);
  }
  const own = policy.users.get(user);
  if (own) sections.push([`users.${user}`, own]);
  const rules = {
    allow: [] as string[],
    deny: [] as string[],
    images: { allow: [] as RegExp[], deny: [] as RegExp[] },
    mounts: [] as string[],
    runAs: 'self' as EffectiveRules['runAs'],
    capabilities: new Set<string>(),
    devices: new Set<string>(),
    noNewPrivileges: true,
    hostNetwork: false,
    privilegedPorts: false,
    logDrivers: new Set(['', 'json-file', 'local', 'none']),
    sections: sections.map(([name]) => name),
  };
  for (const [, section] of sections) {
    rules.allow.push(...section.allow);
    rules.deny.push(...section.deny);
    rules.images.allow.push(...section.images.allow.map((pattern) => new RegExp(pattern)));
    rules.images.deny.push(...section.images.deny.map((pattern) => new RegExp(pattern)));
    rules.mounts.push(...section.mounts);
    for (const cap of section.capabilities) rules.capabilities.add(cap);
    for (const device of section.devices) rules.devices.add(device);
    for (const driver of section.logDrivers) rules.logDrivers.add(driver);
    if (section.runAs) rules.runAs = section.runAs;
    if (section.noNewPrivileges !== undefined) rules.noNewPrivileges = section.noNewPrivileges;
    if (section.hostNetwork !== undefined) rules.hostNetwork = section.hostNetwork;
    if (section.privilegedPorts !== undefined) rules.privilegedPorts = section.privilegedPorts;
  }
  return rules;
}

/** Whether an action matches a pattern: exact, "*", or a "family.*" prefix. */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*' || pattern === action) return true;
  return pattern.endsWith('.*') && (action === pattern.slice(0, -2) || action.startsWith(pattern.slice(0, -1)));
}

export function actionAllowed(rules: EffectiveRules, action: string): boolean {
  return rules.allow.some((pattern) => actionMatches(pattern, action)) && !rules.deny.some((pattern) => actionMatches(pattern, action));
}
