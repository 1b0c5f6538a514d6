import { GeneratorInputError } from '../errors.js';
import type { SubidLimits } from './login-defs.js';
import { parseSubidFile, type SubidEntry } from './subid-file.js';

export interface SubidFileInput {
  text: string;
  where: string;
  limits: SubidLimits;
}

export interface SubidRange {
  start: number;
  count: number;
  /** True when the owner already had it (nothing appended). */
  existing: boolean;
}

export interface SubidAllocation {
  subuid: SubidRange;
  subgid: SubidRange;
  /** The files' new text: the old text byte for byte, plus at most one appended line each. */
  subuidText: string;
  subgidText: string;
}

interface Interval {
  start: number;
  end: number; // exclusive
}

const intervals = (entries: SubidEntry[]): Interval[] =>
  entries.map((entry) => ({ start: entry.start, end: entry.start + entry.count })).sort((a, b) => a.start - b.start);

const overlaps = (taken: Interval[], start: number, count: number): boolean =>
  taken.some((interval) => start < interval.end && interval.start < start + count);

/** The lowest start in [min, max] where `count` ids overlap nothing taken. */
function lowestFree(taken: Interval[], count: number, limits: SubidLimits): number | undefined {
  let candidate = limits.min;
  for (const interval of taken) {
    if (interval.end <= candidate) continue;
    if (interval.start >= candidate + count) break;
    candidate = interval.end;
  }
  return candidate + count - 1 <= limits.max ? candidate : undefined;
}

function append(text: string, owner: string, range: SubidRange): string {
  if (range.existing) return text;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${separator}${owner}:${range.start}:${range.count}\n`;
}

/**
 * Gives `owner` a subordinate uid and gid range that overlaps no entry of either
 * file, inside login.defs' limits, preferring the same start in both files.
 * An owner who already has a range (by name or by numeric uid) keeps it.
 */
export function allocateSubids(input: {
  owner: string;
  uid?: number;
  count?: number;
  subuid: SubidFileInput;
  subgid: SubidFileInput;
}): SubidAllocation {
  const uidEntries = parseSubidFile(input.subuid.text, input.subuid.where);
  const gidEntries = parseSubidFile(input.subgid.text, input.subgid.where);
  const mine = (entry: SubidEntry): boolean => entry.owner === input.owner || (input.uid !== undefined && entry.owner === String(input.uid));
  const ownUid = uidEntries.find(mine);
  const ownGid = gidEntries.find(mine);
  const takenUid = intervals(uidEntries);
  const takenGid = intervals(gidEntries);
  const both = [...takenUid, ...takenGid].sort((a, b) => a.start - b.start);

  const noRoom = (where: string, count: number, limits: SubidLimits): never => {
    throw new GeneratorInputError(
      `failed to allocate ${count} subordinate ids in ${where}: no free range between ${limits.min} and ${limits.max}`,
      'raise SUB_UID_MAX/SUB_GID_MAX in /etc/login.defs, ask for a smaller --count, or remove stale entries',
    );
  };

  let subuid: SubidRange;
  let subgid: SubidRange;
  if (ownUid && ownGid) {
    subuid = { start: ownUid.start, count: ownUid.count, existing: true };
    subgid = { start: ownGid.start, count: ownGid.count, existing: true };
  } else if (ownUid || ownGid) {
    const own = (ownUid ?? ownGid) as SubidEntry;
    const otherTaken = ownUid ? takenGid : takenUid;
    const otherLimits = ownUid ? input.subgid.limits : input.subuid.limits;
    const otherWhere = ownUid ? input.subgid.where : input.subuid.where;
    const mirrored = !overlaps(otherTaken, own.start, own.count) && own.start >= otherLimits.min && own.start + own.count - 1 <= otherLimits.max;
    const start = mirrored ? own.start : lowestFree(otherTaken, own.count, otherLimits) ?? noRoom(otherWhere, own.count, otherLimits);
    const kept = { start: own.start, count: own.count, existing: true };
    const added = { start, count: own.count, existing: false };
    subuid = ownUid ? kept : added;
    subgid = ownUid ? added : kept;
  } else {
    const count = input.count ?? input.subuid.limits.count;
    const limits = {
      min: Math.max(input.subuid.limits.min, input.subgid.limits.min),
      max: Math.min(input.subuid.limits.max, input.subgid.limits.max),
      count,
    };
    const shared = lowestFree(both, count, limits);
    if (shared !== undefined) {
      subuid = { start: shared, count, existing: false };
      subgid = { start: shared, count, existing: false };
    } else {
      const uidStart = lowestFree(takenUid, count, input.subuid.limits) ?? noRoom(input.subuid.where, count, input.subuid.limits);
      const gidStart = lowestFree(takenGid, count, input.subgid.limits) ?? noRoom(input.subgid.where, count, input.subgid.limits);
      subuid = { start: uidStart, count, existing: false };
      subgid = { start: gidStart, count, existing: false };
    }
  }
  return {
    subuid,
    subgid,
    subuidText: append(input.subuid.text, input.owner, subuid),
    subgidText: append(input.subgid.text, input.owner, subgid),
  };
}
