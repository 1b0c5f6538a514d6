import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  X509Certificate,
  nativeCrypto,
} from './x509.js';
import { InputError, describeCause } from './errors.js';
import type { KeyPair } from './keys/key-pair.js';

/** Parses one PEM certificate; `where` names its file for messages. */
export function parseCertificatePem(pem: string, where: string): X509Certificate {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new InputError(`failed to read certificate ${where}: no PEM certificate in it`);
  }
  try {
    return new X509Certificate(blocks[0] as string);
  } catch (cause) {
    throw new InputError(`failed to read certificate ${where}: ${describeCause(cause)}`, { cause });
  }
}

/** Refuses a certificate that cannot act as our CA: not a CA, may not sign certificates, or expired. */
export function assertUsableCa(certificate: X509Certificate, where: string, now: Date = new Date()): void {
  const constraints = certificate.getExtension(BasicConstraintsExtension);
  if (!constraints?.ca) {
    throw new InputError(`failed to use CA certificate ${where}: it is not a CA certificate (basicConstraints CA:TRUE missing)`);
  }
  const usage = certificate.getExtension(KeyUsagesExtension);
  if (usage && (usage.usages & KeyUsageFlags.keyCertSign) === 0) {
    throw new InputError(`failed to use CA certificate ${where}: its keyUsage does not allow keyCertSign`);
  }
  if (certificate.notAfter <= now) {
    throw new InputError(`failed to use CA certificate ${where}: it expired on ${certificate.notAfter.toISOString()}`, {
      hint: 'make a new CA with dockauth ca init --force',
    });
  }
}

/** Refuses a key that is not the certificate's own: a signature by one must verify with the other. */
export async function assertKeyMatchesCertificate(
  certificate: X509Certificate,
  keyPair: KeyPair,
  where: string,
  crypto: Crypto = nativeCrypto,
): Promise<void> {
  const ours = Buffer.from(await crypto.subtle.exportKey('spki', keyPair.publicKey));
  const theirs = Buffer.from(certificate.publicKey.rawData);
  if (!ours.equals(theirs)) {
    throw new InputError(`failed to use CA key ${where}: it does not belong to the CA certificate`, {
      hint: 'pass the key that was made together with the certificate',
    });
  }
}
