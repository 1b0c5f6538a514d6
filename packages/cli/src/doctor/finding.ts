/** One thing doctor found: how bad, which check, what is wrong, and the command that fixes it. */
export interface Finding {
  severity: 'error' | 'warning' | 'ok';
  check: string;
  message: string;
  fix?: string;
}

export const DAY_MS = 86_400_000;

/** How long until `date`, in whole days (negative once past). */
export function daysUntil(date: Date, now: Date): number {
  return Math.floor((date.getTime() - now.getTime()) / DAY_MS);
}

export const octal = (mode: number): string => `0${(mode & 0o7777).toString(8)}`;
