import { createPrivateKey, createPublicKey, generateKeyPair as generateNodeKeyPair, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { InputError, describeCause } from '../errors.js';
import { describeKey, isRsa, keyTypeOf, type KeyType } from './key-type.js';

/** A key pair ready to sign with (node:crypto key objects, over OpenSSL), and its type. */
export interface KeyPair {
  readonly type: KeyType;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/**
 * Generates a key natively; never in JavaScript. RSA's prime search runs on the thread
 * pool (a batch makes several at once); EC and Ed25519 keys take well under a millisecond,
 * so they are made in place rather than paying a trip to the pool.
 */
export async function generateKeyPair(type: KeyType): Promise<KeyPair> {
  if (isRsa(type)) {
    const modulusLength = Number(type.slice('rsa-'.length));
    return new Promise((resolve, reject) => {
      generateNodeKeyPair('rsa', { modulusLength, publicExponent: 0x10001 }, (error, publicKey, privateKey) =>
        error ? reject(error) : resolve({ type, privateKey, publicKey }),
      );
    });
  }
  const pair = type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: type === 'ecdsa-p384' ? 'P-384' : 'P-256' });
  return { type, privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/**
 * PKCS#8 PEM of a private key; with a passphrase, encrypted PKCS#8
 * (PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC, OpenSSL's defaults).
 */
export function exportPrivateKeyPem(key: KeyObject, passphrase?: string): string {
  if (passphrase === undefined) return key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
}

export function isEncryptedPem(pem: string): boolean {
  return pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type:\s*4,ENCRYPTED/.test(pem);
}

/**
 * Reads a private key in any PEM form sites have: PKCS#1 (RSA), SEC1 (EC),
 * PKCS#8, encrypted or not. `where` names the file for error messages.
 */
export function importPrivateKeyPem(pem: string, options: { passphrase?: string; where: string }): KeyPair {
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
    // A wrong passphrase usually fails the decryption, but about one time in 256 the padding
    // happens to check out and OpenSSL then fails to decode the garbage ("unsupported").
    if (isEncryptedPem(pem)) {
      throw new InputError(`failed to read private key ${where}: wrong passphrase (or a damaged key: ${text})`, { cause });
    }
    throw new InputError(`failed to read private key ${where}: not a PEM private key (${text})`, { cause });
  }
  return keyPairFromKeyObject(keyObject, where);
}

function keyPairFromKeyObject(keyObject: KeyObject, where: string): KeyPair {
  const type = keyTypeOf(keyObject);
  if (type === undefined) {
    throw new InputError(
      `failed to read private key ${where}: unsupported key (${describeKey(keyObject)})`,
      { hint: 'use an ECDSA P-256/P-384, RSA 2048/3072/4096 or Ed25519 key' },
    );
  }
  return { type, privateKey: keyObject, publicKey: createPublicKey(keyObject) };
}
