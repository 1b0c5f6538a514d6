import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { parseLimits, type Limits } from './policy-limits.js';

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
  limits: Limits;
  /** Restart policies users may give (--restart): dockerd restarts such a container by itself, even after its owner is revoked. */
  restartPolicies: string[];
  /** docker build with the classic builder, tags only under the user's own name. */
  build?: boolean;
  /** Networks not made by the user that their containers may join ("bridge", "none", or a site's shared one). */
  networks: string[];
}

export interface Policy {
  source: string;
  sha256: string;
  base: PolicySection;
  groups: Map<string, PolicySection>;
  users: Map<string, PolicySection>;
  /** A shared (PostgreSQL) inventory: how long to keep deciding from memory once it is unreachable. */
  inventory: { unreachableGraceMs: number };
}

/** Without `inventory.unreachable_grace`: a minute of decisions from memory, then fail closed. */
export const DEFAULT_UNREACHABLE_GRACE_MS = 60_000;

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
  readonly limits: Readonly<Limits>;
  readonly restartPolicies: ReadonlySet<string>;
  readonly build: boolean;
  readonly networks: ReadonlySet<string>;
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

const SECTION_KEYS = ['allow', 'deny', 'images', 'mounts', 'run_as', 'capabilities', 'devices', 'no_new_privileges', 'host_network', 'privileged_ports', 'log_drivers', 'limits', 'restart_policies', 'build', 'networks'];
const RESTART_POLICIES = ['no', 'on-failure', 'unless-stopped', 'always'];

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
  const restartPolicies = (node: unknown, what: string): string[] => {
    const list = strings(node, what);
    for (const policy of list) if (!RESTART_POLICIES.includes(policy)) fail(node as Node, `${what}: ${JSON.stringify(policy)} is not a restart policy (${RESTART_POLICIES.join(', ')})`);
    return list;
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
          new RegExp(pattern.replaceAll('{user}', 'user'));
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
      limits: parseLimits(get('limits'), `${name}.limits`, fail),
      restartPolicies: restartPolicies(get('restart_policies'), `${name}.restart_policies`),
      build: boolean(get('build'), `${name}.build`),
      networks: strings(get('networks'), `${name}.networks`),
    };
  };
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!['version', 'base', 'groups', 'users', 'inventory'].includes(key)) fail(pair.key as Node, `unknown top-level key "${key}" (known: version, base, groups, users, inventory)`);
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
    inventory: inventorySettings(root.get('inventory', true), fail),
  };
}


/** `inventory: {unreachable_grace: SECONDS}`: 0 denies TLS users as soon as the database is lost. */
function inventorySettings(node: unknown, fail: (node: Node | null | undefined, message: string) => never): Policy['inventory'] {
  if (node === undefined || (isScalar(node) && node.value === null)) return { unreachableGraceMs: DEFAULT_UNREACHABLE_GRACE_MS };
  if (!isMap(node)) return fail(node as Node, 'inventory must be a mapping (unreachable_grace: SECONDS)');
  let graceMs = DEFAULT_UNREACHABLE_GRACE_MS;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key !== 'unreachable_grace') fail(pair.key as Node, `unknown key inventory.${key} (known: unreachable_grace)`);
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 86_400) {
      fail(pair.value as Node, 'inventory.unreachable_grace must be a whole number of seconds from 0 to 86400');
    }
    graceMs = (value as number) * 1000;
  }
  return { unreachableGraceMs: graceMs };
}
