import { InputError } from './errors.js';
import { X509CrlReason } from './x509.js';

/** RFC 5280 CRLReason names, as users type them (kebab-case or camelCase). */
export const REVOCATION_REASONS = {
  unspecified: X509CrlReason.unspecified,
  keyCompromise: X509CrlReason.keyCompromise,
  caCompromise: X509CrlReason.cACompromise,
  affiliationChanged: X509CrlReason.affiliationChanged,
  superseded: X509CrlReason.superseded,
  cessationOfOperation: X509CrlReason.cessationOfOperation,
  certificateHold: X509CrlReason.certificateHold,
  privilegeWithdrawn: X509CrlReason.privilegeWithdrawn,
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
