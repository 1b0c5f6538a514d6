import { InputError } from './errors.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** notBefore is set this far back so clients with a slightly slow clock accept a fresh certificate. */
export const CLOCK_SKEW_MS = 5 * MINUTE;

/** Go's time.ParseDuration units, which cfssl's "expiry" strings use ("8760h", "1h30m"). */
const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: MINUTE, h: HOUR };

/**
 * A validity period in milliseconds from a number of days (12, "12", "12d") or a
 * cfssl/Go duration string ("8760h", "2160h30m").
 */
export function parseDuration(value: string | number, where = '--days'): number {
  const text = String(value).trim();
  let ms: number | undefined;
  const days = /^(\d+)d?$/.exec(text);
  if (days) {
    ms = Number(days[1]) * DAY;
  } else if (/^(\d+(\.\d+)?(ns|us|\u00b5s|ms|s|m|h))+$/.test(text)) {
    ms = 0;
    for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/g)) {
      ms += Number(amount) * (GO_UNITS[unit as string] as number);
    }
  }
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new InputError(`failed to read ${where}: "${text}" is not a duration`, {
      hint: 'give a number of days (365) or a cfssl duration ("8760h")',
    });
  }
  if (ms < HOUR) {
    throw new InputError(`failed to read ${where}: "${text}" is shorter than one hour`);
  }
  if (ms > 100 * 365 * DAY) {
    throw new InputError(`failed to read ${where}: "${text}" is longer than 100 years`);
  }
  return Math.round(ms);
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
  /** True when the requested period was cut to end with the CA's own certificate. */
  clampedToIssuer: boolean;
}

/**
 * The period a new certificate is valid for: backdated for clock skew, and never
 * past the issuing CA's notAfter (a certificate cannot outlive its issuer's trust).
 */
export function computeValidity(now: Date, durationMs: number, issuerNotAfter?: Date): Validity {
  const notBefore = new Date(Math.floor((now.getTime() - CLOCK_SKEW_MS) / 1000) * 1000);
  let notAfter = new Date(Math.floor((now.getTime() + durationMs) / 1000) * 1000);
  let clampedToIssuer = false;
  if (issuerNotAfter && notAfter > issuerNotAfter) {
    notAfter = issuerNotAfter;
    clampedToIssuer = true;
  }
  return { notBefore, notAfter, clampedToIssuer };
}

export function daysToMs(days: number): number {
  return days * DAY;
}

export function msToDays(ms: number): number {
  return ms / DAY;
}
