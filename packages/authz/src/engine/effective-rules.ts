import { DEFAULT_LIMITS, mergeLimits, type Limits } from './policy-limits.js';
import type { EffectiveRules, Policy, PolicySection } from './policy.js';

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

/** "{user}" in an image pattern is the user's own name, so `'^docker\.io/{user}/'` means "images under my name". */
function imagePattern(pattern: string, user: string): RegExp {
  return new RegExp(pattern.replaceAll('{user}', user.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
}

function mergeRules(policy: Policy, user: string, groups: readonly string[]): EffectiveRules {
  const sections: Array<[string, PolicySection]> = [['base', policy.base]];
  for (const group of groups) {
    const section = policy.groups.get(group);
    if (section) sections.push([`groups.${group}`, section]);
  }
  const own = policy.users.get(user);
  if (own) sections.push([`users.${user}`, own]);
  let limits: Limits = DEFAULT_LIMITS;
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
    restartPolicies: new Set(['', 'no']),
    build: false,
    networks: new Set(['bridge', 'none', 'default']),
    sections: sections.map(([name]) => name),
  };
  for (const [, section] of sections) {
    rules.allow.push(...section.allow);
    rules.deny.push(...section.deny);
    rules.images.allow.push(...section.images.allow.map((pattern) => imagePattern(pattern, user)));
    rules.images.deny.push(...section.images.deny.map((pattern) => imagePattern(pattern, user)));
    rules.mounts.push(...section.mounts);
    for (const cap of section.capabilities) rules.capabilities.add(cap);
    for (const device of section.devices) rules.devices.add(device);
    for (const driver of section.logDrivers) rules.logDrivers.add(driver);
    for (const restart of section.restartPolicies) rules.restartPolicies.add(restart);
    for (const network of section.networks) rules.networks.add(network);
    limits = mergeLimits(limits, section.limits);
    if (section.runAs) rules.runAs = section.runAs;
    if (section.noNewPrivileges !== undefined) rules.noNewPrivileges = section.noNewPrivileges;
    if (section.hostNetwork !== undefined) rules.hostNetwork = section.hostNetwork;
    if (section.privilegedPorts !== undefined) rules.privilegedPorts = section.privilegedPorts;
    if (section.build !== undefined) rules.build = section.build;
  }
  return { ...rules, limits };
}

/** Whether an action matches a pattern: exact, "*", or a "family.*" prefix. */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*' || pattern === action) return true;
  return pattern.endsWith('.*') && (action === pattern.slice(0, -2) || action.startsWith(pattern.slice(0, -1)));
}

export function actionAllowed(rules: EffectiveRules, action: string): boolean {
  return rules.allow.some((pattern) => actionMatches(pattern, action)) && !rules.deny.some((pattern) => actionMatches(pattern, action));
}
