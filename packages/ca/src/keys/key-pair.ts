import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { nativeCrypto } from '../native-crypto.js';
import { InputError, describeCause } from '../errors.js';
import { keyGenParams, keyTypeOf, type KeyType } from './key-type.js';

/** A key pair ready to sign with, and its type. */
export interface KeyPair {
  readonly type: KeyType;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

/** Generates a key natively (WebCrypto over OpenSSL); never in JavaScript. */
export async function generateKeyPair(type: KeyType, crypto: Crypto = nativeCrypto): Promise<KeyPair> {
  const pair = (await crypto.subtle.generateKey(keyGenParams(type), true, ['sign', 'verify'])) as CryptoKeyPair;
  return { type, privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/**
 * PKCS#8 PEM of a private key; with a passphrase, encrypted PKCS#8
 * (PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC, OpenSSL's defaults).
 */
export async function exportPrivateKeyPem(
  key: CryptoKey,
  passphrase?: string,
  crypto: Crypto = nativeCrypto,
): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  // Unencrypted PKCS#8 PEM is the DER in base64 lines of 64 under its label: no need to parse the key.
  if (passphrase === undefined) return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
  const keyObject = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  return keyObject.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
}

export function isEncryptedPem(pem: string): boolean {
  return pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type:\s*4,ENCRYPTED/.test(pem);
}

/**
 * Reads a private key in any PEM form sites have: PKCS#1 (RSA), SEC1 (EC),
 * PKCS#8, encrypted or not. `where` names the file for error messages.
 */
export async function importPrivateKeyPem(
  pem: string,
  options: { passphrase?: string; where: string },
  crypto: Crypto = nativeCrypto,
): Promise<KeyPair> {
  const { passphrase, where } = options;
  if (isEncryptedPem(pem) && passphrase === undefined) {
    throw new InputError(`failed to read private key ${where}: it is encrypted and no passphrase was given`, {
      hint: 'pass the passphrase with --ca-passphrase-file FILE or DOCKAUTH_CA_PASSPHRASE',
    });
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: pem, format: 'pem', passphrase: passphrase ?? '' });
  } catch (cause) {
    const text = describeCause(cause);
    if (isEncryptedPem(pem) && /decrypt|passphrase|bad/i.test(text)) {
      throw new InputError(`failed to read private key ${where}: wrong passphrase`, { cause });
    }
    throw new InputError(`failed to read private key ${where}: not a PEM private key (${text})`, { cause });
  }
  return keyPairFromKeyObject(keyObject, where, crypto);
}

async function keyPairFromKeyObject(keyObject: KeyObject, where: string, crypto: Crypto): Promise<KeyPair> {
  const type = keyTypeOfKeyObject(keyObject);
  if (type === undefined) {
    const details = JSON.stringify(keyObject.asymmetricKeyDetails ?? {});
    throw new InputError(
      `failed to read private key ${where}: unsupported key ${keyObject.asymmetricKeyType} ${details}`,
      { hint: 'use an ECDSA P-256/P-384, RSA 2048/3072/4096 or Ed25519 key' },
    );
  }
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  const algorithm = importParams(type);
  const privateKey = await crypto.subtle.importKey('pkcs8', der, algorithm, true, ['sign']);
  const spki = createPublicKey(keyObject).export({ type: 'spki', format: 'der' });
  const publicKey = await crypto.subtle.importKey('spki', spki, algorithm, true, ['verify']);
  return { type, privateKey, publicKey };
}

function keyTypeOfKeyObject(keyObject: KeyObject): KeyType | undefined {
  const details = keyObject.asymmetricKeyDetails ?? {};
  switch (keyObject.asymmetricKeyType) {
    case 'ec':
      if (details.namedCurve === 'prime256v1') return 'ecdsa-p256';
      if (details.namedCurve === 'secp384r1') return 'ecdsa-p384';
      return undefined;
    case 'ed25519':
      return 'ed25519';
    case 'rsa':
      return keyTypeOf({ name: 'RSASSA-PKCS1-v1_5', modulusLength: details.modulusLength } as KeyAlgorithm);
    default:
      return undefined;
  }
}

function importParams(type: KeyType): Algorithm {
  const generate = keyGenParams(type) as Algorithm & { namedCurve?: string };
  if (generate.name === 'ECDSA') return { name: 'ECDSA', namedCurve: generate.namedCurve } as EcKeyImportParams;
  if (generate.name === 'Ed25519') return { name: 'Ed25519' };
  return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as RsaHashedImportParams;
}
