import type { KeyObject } from 'node:crypto';
import { InputError } from '../errors.js';

export const KEY_TYPES = ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'ed25519'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const DEFAULT_KEY_TYPE: KeyType = 'ecdsa-p256';

export function isKeyType(value: string): value is KeyType {
  return (KEY_TYPES as readonly string[]).includes(value);
}

export function parseKeyType(value: string, where = '--key-type'): KeyType {
  if (isKeyType(value)) return value;
  throw new InputError(`failed to read ${where}: unknown key type "${value}"`, {
    hint: `use one of: ${KEY_TYPES.join(', ')}`,
  });
}

/**
 * The key type a key really is; undefined for keys we do not issue with
 * (RSA under 2048 bits or with an odd size, other curves).
 */
export function keyTypeOf(key: KeyObject): KeyType | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      if (details.namedCurve === 'prime256v1') return 'ecdsa-p256';
      if (details.namedCurve === 'secp384r1') return 'ecdsa-p384';
      return undefined;
    case 'ed25519':
      return 'ed25519';
    case 'rsa': {
      const candidate = `rsa-${details.modulusLength}`;
      return isKeyType(candidate) ? candidate : undefined;
    }
    default:
      return undefined;
  }
}

/** "rsa 1024 bits", "ec secp256k1": what an unsupported key is, for messages. */
export function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  const size = details.modulusLength !== undefined ? `${details.modulusLength} bits` : (details.namedCurve ?? '');
  return `${key.asymmetricKeyType ?? 'unknown'} ${size}`.trim();
}

export function isRsa(type: KeyType): boolean {
  return type.startsWith('rsa-');
}
