/** The subordinate id space /etc/login.defs allows (SUB_UID_* or SUB_GID_*). */
export interface SubidLimits {
  min: number;
  max: number;
  count: number;
}

/** shadow's own defaults when login.defs says nothing. */
export const DEFAULT_SUBID_LIMITS: SubidLimits = { min: 100_000, max: 600_100_000, count: 65_536 };

/** Reads KEY VALUE lines; numbers as shadow's getdef_ulong reads them (decimal, 0x hex, 0 octal). */
export function parseLoginDefs(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [key, value] = line.split(/\s+/, 2);
    if (key && value !== undefined) values.set(key, value);
  }
  return values;
}

function number(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^0[0-7]+$/.test(text) ? parseInt(text, 8) : /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isFinite(value) ? value : undefined;
}

export function subidLimits(defs: Map<string, string>, kind: 'UID' | 'GID'): SubidLimits {
  return {
    min: number(defs.get(`SUB_${kind}_MIN`)) ?? DEFAULT_SUBID_LIMITS.min,
    max: number(defs.get(`SUB_${kind}_MAX`)) ?? DEFAULT_SUBID_LIMITS.max,
    count: number(defs.get(`SUB_${kind}_COUNT`)) ?? DEFAULT_SUBID_LIMITS.count,
  };
}
