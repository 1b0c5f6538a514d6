import { InputError } from '../errors.js';
import { expectObject, parseJsonDocument } from '../json-document.js';
import { parseDuration } from '../validity.js';

/** cfssl's key usage names (ca-config.json "usages"). */
export const CFSSL_USAGES = [
  'signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement',
  'data encipherment', 'cert sign', 'crl sign', 'encipher only', 'decipher only', 'any',
  'server auth', 'client auth', 'code signing', 'email protection', 's/mime', 'ipsec end system',
  'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing', 'microsoft sgc', 'netscape sgc',
] as const;

export interface CfsslSigningProfile {
  usages: string[];
  expiryMs?: number;
}

/**
 * ca-config.json: expiries are honoured; usages are checked but never widen a
 * certificate, since dockauth's profiles are fixed by its security model (a
 * "server auth"+"client auth" profile still yields a clientAuth-only user cert).
 */
export interface CfsslConfig {
  default: CfsslSigningProfile;
  profiles: Record<string, CfsslSigningProfile>;
}

export function parseCfsslConfig(text: string, where: string): CfsslConfig {
  const json = expectObject(parseJsonDocument(text, where), where);
  const signing = expectObject(json.signing ?? {}, `${where} "signing"`);
  const readProfile = (value: unknown, path: string): CfsslSigningProfile => {
    const profile = expectObject(value, `${where} ${path}`);
    const usages = profile.usages ?? [];
    if (!Array.isArray(usages)) throw new InputError(`failed to read ${where}: ${path}.usages must be a list`);
    for (const usage of usages) {
      if (!(CFSSL_USAGES as readonly unknown[]).includes(usage)) {
        throw new InputError(`failed to read ${where}: ${path}.usages has unknown usage ${JSON.stringify(usage)}`, {
          hint: `cfssl usages are: ${CFSSL_USAGES.join(', ')}`,
        });
      }
    }
    const result: CfsslSigningProfile = { usages: usages as string[] };
    if (profile.expiry !== undefined) result.expiryMs = parseDuration(String(profile.expiry), `${where} ${path}.expiry`);
    return result;
  };
  const profiles: Record<string, CfsslSigningProfile> = {};
  for (const [name, value] of Object.entries(expectObject(signing.profiles ?? {}, `${where} signing.profiles`))) {
    profiles[name] = readProfile(value, `signing.profiles.${name}`);
  }
  return { default: readProfile(signing.default ?? {}, 'signing.default'), profiles };
}

/** The expiry a named profile (or the default) gives, as cfssl resolves it. */
export function cfsslExpiry(config: CfsslConfig, profileName: string | undefined, where: string): number | undefined {
  if (profileName === undefined) return config.default.expiryMs;
  const profile = config.profiles[profileName];
  if (!profile) {
    throw new InputError(`failed to read ${where}: no profile "${profileName}"`, {
      hint: `profiles in it: ${Object.keys(config.profiles).join(', ') || '(none)'}`,
    });
  }
  return profile.expiryMs ?? config.default.expiryMs;
}
