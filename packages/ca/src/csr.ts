import { createPublicKey, type KeyObject } from 'node:crypto';
import { Pkcs10CertificateRequest, nativeCrypto } from './x509.js';
import { InputError, describeCause } from './errors.js';
import { describeKey, keyTypeOf, type KeyType } from './keys/key-type.js';

export interface VerifiedCsr {
  commonName: string;
  publicKey: KeyObject;
  publicKeyType: KeyType;
}

/**
 * Reads a user's CSR and checks what the CA must check before signing: the
 * signature (proof the requester holds the key), a key type we issue for, and a
 * subject CN that is exactly `expectedCommonName`. Everything else in the request
 * (other subject fields, requested extensions) is ignored: the profile decides.
 */
export async function verifyCsr(
  pem: string,
  options: { expectedCommonName: string; where: string },
  crypto: Crypto = nativeCrypto,
): Promise<VerifiedCsr> {
  const { where, expectedCommonName } = options;
  const block = /-----BEGIN (NEW )?CERTIFICATE REQUEST-----[\s\S]+?-----END (NEW )?CERTIFICATE REQUEST-----/.exec(pem);
  if (!block) {
    throw new InputError(`failed to read CSR ${where}: no PEM certificate request in it`, {
      hint: 'make one with: openssl req -new -key key.pem -subj "/CN=USER" -out user.csr',
    });
  }
  let csr: Pkcs10CertificateRequest;
  try {
    csr = new Pkcs10CertificateRequest(block[0].replace(/NEW CERTIFICATE REQUEST/g, 'CERTIFICATE REQUEST'));
  } catch (cause) {
    throw new InputError(`failed to read CSR ${where}: malformed request (${describeCause(cause)})`, { cause });
  }
  let publicKey: KeyObject;
  let signatureOk: boolean;
  try {
    publicKey = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
    signatureOk = await csr.verify(crypto);
  } catch (cause) {
    throw new InputError(`failed to verify CSR ${where}: unsupported or broken public key (${describeCause(cause)})`, {
      cause,
    });
  }
  if (!signatureOk) {
    throw new InputError(`failed to verify CSR ${where}: its signature does not match its public key`);
  }
  const publicKeyType = keyTypeOf(publicKey);
  if (publicKeyType === undefined) {
    throw new InputError(`failed to verify CSR ${where}: unsupported key (${describeKey(publicKey)})`, {
      hint: 'use an ECDSA P-256/P-384, RSA 2048/3072/4096 or Ed25519 key',
    });
  }
  const commonNames = csr.subjectName.getField('CN');
  if (commonNames.length !== 1 || commonNames[0] !== expectedCommonName) {
    throw new InputError(
      `failed to accept CSR ${where}: its CN is ${JSON.stringify(commonNames.join(','))}, not the user ${JSON.stringify(expectedCommonName)}`,
      { hint: `ask for a new CSR with -subj "/CN=${expectedCommonName}"` },
    );
  }
  return { commonName: expectedCommonName, publicKey, publicKeyType };
}
