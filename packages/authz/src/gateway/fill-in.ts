import { asArray, asString, asStringArray, field, stringMap, type GoObject, type GoValue } from '../decode/go-json.js';
import { isNoNewPrivileges } from '../engine/container-create.js';
import { OWNER_LABEL, type Account } from '../engine/lookups.js';
import type { EffectiveRules } from '../engine/policy.js';
import { goNumber, goString, goStrings, objectField, setField, setMapEntry } from './go-value-edit.js';

/** A request with what the policy requires and the user left out filled in, and a list of what was. */
export interface FilledRequest {
  body: GoValue | undefined;
  query: Map<string, string[]>;
  filled: string[];
}

const LOGGING_DRIVERS_WITH_FILES = new Set(['json-file', 'local']);

/**
 * undocker's FORCED parameters, on the server side: the user's own uid:gid and groups,
 * no-new-privileges, the owner label on everything made, the policy's default limits.
 * Only what is absent is filled in. A value the user gave is left exactly as given, to be
 * judged (and refused with the usual message) by the rules, never quietly replaced.
 */
export function fillIn(action: string, body: GoValue | undefined, query: Map<string, string[]>, account: Account, rules: EffectiveRules): FilledRequest {
  const filled: string[] = [];
  const result: FilledRequest = { body, query, filled };
  if (action === 'image.build') {
    result.query = labelledBuild(query, account.name, filled);
    return result;
  }
  if (body?.kind !== 'object') return result;
  if (action === 'container.create') fillContainer(body, account, rules, filled);
  else if (action === 'volume.create' || action === 'network.create') ownerLabel(body, account.name, filled);
  return result;
}

function fillContainer(body: GoObject, account: Account, rules: EffectiveRules, filled: string[]): void {
  const hostConfig = objectField(body, 'HostConfig');
  const user = asString(field(body, 'User'), 'User');
  if (rules.runAs === 'self' && user === '') {
    setField(body, 'User', goString(`${account.uid}:${account.gid}`));
    filled.push('User');
  }
  const runsAsSelf = asString(field(body, 'User'), 'User') === `${account.uid}:${account.gid}`;
  // A numeric uid:gid gets no supplementary groups from the image: give the user's own.
  if (runsAsSelf && (asArray(field(hostConfig, 'GroupAdd'), 'GroupAdd') ?? []).length === 0) {
    const supplementary = account.gids.filter((gid) => gid !== account.gid).map(String);
    if (supplementary.length > 0) {
      setField(hostConfig, 'GroupAdd', goStrings(supplementary));
      filled.push('HostConfig.GroupAdd');
    }
  }
  if (rules.noNewPrivileges && rules.runAs === 'self') {
    const options = [...(asStringArray(field(hostConfig, 'SecurityOpt'), 'SecurityOpt') ?? []), ...(asStringArray(field(body, 'SecurityOpt'), 'SecurityOpt') ?? [])];
    if (!options.some(isNoNewPrivileges)) {
      setField(hostConfig, 'SecurityOpt', goStrings([...(asStringArray(field(hostConfig, 'SecurityOpt'), 'SecurityOpt') ?? []), 'no-new-privileges']));
      filled.push('HostConfig.SecurityOpt');
    }
  }
  ownerLabel(body, account.name, filled);
  fillLimits(hostConfig, rules, filled);
}

/** The policy's default bounds where the user named none: a pids limit, memory when the policy requires one, log rotation. */
function fillLimits(hostConfig: GoObject, rules: EffectiveRules, filled: string[]): void {
  const { limits } = rules;
  const pids = field(hostConfig, 'PidsLimit');
  if (limits.pids !== undefined && (pids === undefined || pids.kind === 'null' || (pids.kind === 'number' && Number(pids.text) === 0))) {
    setField(hostConfig, 'PidsLimit', goNumber(limits.pids));
    filled.push('HostConfig.PidsLimit');
  }
  const memory = field(hostConfig, 'Memory');
  if (limits.memory !== undefined && (memory === undefined || memory.kind === 'null' || (memory.kind === 'number' && Number(memory.text) === 0))) {
    setField(hostConfig, 'Memory', goNumber(limits.memory));
    filled.push('HostConfig.Memory');
  }
  // An empty log type takes dockerd's default driver and options (daemon configure bounds them).
  const logConfig = field(hostConfig, 'LogConfig');
  if (logConfig?.kind !== 'object' || !LOGGING_DRIVERS_WITH_FILES.has(asString(field(logConfig, 'Type'), 'LogConfig.Type'))) return;
  const options = stringMap(field(logConfig, 'Config'), 'LogConfig.Config');
  const config = objectField(logConfig, 'Config');
  if (!options.has('max-size') && limits.logMaxSize !== undefined) {
    setMapEntry(config, 'max-size', goString(String(limits.logMaxSize)));
    filled.push('HostConfig.LogConfig.Config.max-size');
  }
  if (!options.has('max-file') && limits.logMaxFile !== undefined) {
    setMapEntry(config, 'max-file', goString(String(limits.logMaxFile)));
    filled.push('HostConfig.LogConfig.Config.max-file');
  }
}

function ownerLabel(body: GoObject, user: string, filled: string[]): void {
  if (stringMap(field(body, 'Labels'), 'Labels').has(OWNER_LABEL)) return;
  setMapEntry(objectField(body, 'Labels'), OWNER_LABEL, goString(user));
  filled.push(`Labels.${OWNER_LABEL}`);
}

/** A built image is labelled with its maker, in the build's `labels` parameter (a JSON map). */
function labelledBuild(query: Map<string, string[]>, user: string, filled: string[]): Map<string, string[]> {
  const raw = query.get('labels')?.[0];
  let labels: Record<string, unknown> = {};
  if (raw !== undefined && raw !== '') {
    try {
      labels = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return query; // unreadable: left for dockerd to refuse, as it would without the gateway
    }
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return query;
  }
  if (OWNER_LABEL in labels) return query;
  const next = new Map(query);
  next.set('labels', [JSON.stringify({ ...labels, [OWNER_LABEL]: user })]);
  filled.push(`labels.${OWNER_LABEL}`);
  return next;
}
