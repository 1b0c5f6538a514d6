import { InputError } from './errors.js';
/** RFC 5280 CRLReason names, as users type them (kebab-case or camelCase), and their codes. */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  caCompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
} as const;

export type RevocationReason = keyof typeof REVOCATION_REASONS;

export function parseRevocationReason(value: string, where = '--reason'): RevocationReason {
  const camel = value.trim().replace(/[-_ ](\w)/g, (_, ch: string) => ch.toUpperCase());
  const found = Object.keys(REVOCATION_REASONS).find((name) => name.toLowerCase() === camel.toLowerCase());
  if (found) return found as RevocationReason;
  throw new InputError(`failed to read ${where}: unknown revocation reason "${value}"`, {
    hint: `use one of: ${Object.keys(REVOCATION_REASONS).join(', ')}`,
  });
}
