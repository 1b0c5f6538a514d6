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

/** WebCrypto parameters that generate a key of this type. */
export function keyGenParams(type: KeyType): RsaHashedKeyGenParams | EcKeyGenParams | Algorithm {
  switch (type) {
    case 'ecdsa-p256':
      return { name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams;
    case 'ecdsa-p384':
      return { name: 'ECDSA', namedCurve: 'P-384' } as EcKeyGenParams;
    case 'ed25519':
      return { name: 'Ed25519' };
    default: {
      const modulusLength = Number(type.slice('rsa-'.length));
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      } as RsaHashedKeyGenParams;
    }
  }
}

/**
 * The key type a CryptoKey really is; undefined for keys we do not issue with
 * (RSA under 2048 bits, other curves).
 */
export function keyTypeOf(algorithm: KeyAlgorithm): KeyType | undefined {
  const a = algorithm as KeyAlgorithm & { namedCurve?: string; modulusLength?: number };
  if (a.name === 'ECDSA' && a.namedCurve === 'P-256') return 'ecdsa-p256';
  if (a.name === 'ECDSA' && a.namedCurve === 'P-384') return 'ecdsa-p384';
  if (a.name === 'Ed25519') return 'ed25519';
  if (a.name === 'RSASSA-PKCS1-v1_5' || a.name === 'RSA-PSS' || a.name === 'RSA-OAEP') {
    const candidate = `rsa-${a.modulusLength}`;
    return isKeyType(candidate) ? candidate : undefined;
  }
  return undefined;
}

/** The signature algorithm a CA key of this type signs with (hash matched to key strength). */
export function signingAlgorithm(type: KeyType): Algorithm {
  switch (type) {
    case 'ecdsa-p256':
      return { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams;
    case 'ecdsa-p384':
      return { name: 'ECDSA', hash: 'SHA-384' } as EcdsaParams;
    case 'ed25519':
      return { name: 'Ed25519' };
    default:
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as RsaHashedImportParams;
  }
}

export function isRsa(type: KeyType): boolean {
  return type.startsWith('rsa-');
}
