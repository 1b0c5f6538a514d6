import { X509Certificate, createPublicKey } from 'node:crypto';
import { InputError, describeCause } from './errors.js';
import { certificateSpki, children, readElement, type Element } from './der/der-reader.js';
import type { KeyPair } from './keys/key-pair.js';
import { KEY_USAGE } from './profiles/certificate-profile.js';

/** A certificate as the store and the commands need it, read natively (no ASN.1 object model). */
export interface CertificateInfo {
  pem: string;
  der: Buffer;
  /** "C=IT, O=Lab, CN=Docker CA", in the certificate's own order. */
  subject: string;
  /** Uppercase hex, as the certificate has it. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  /** keyUsage bits (KEY_USAGE), or undefined when the extension is absent. */
  keyUsage: number | undefined;
  publicKeySpki: Buffer;
}

const OID_KEY_USAGE = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0f]); // 2.5.29.15

/** The keyUsage extension's bits, read from the DER (bit 0 is digitalSignature). */
function keyUsageBits(der: Buffer): number | undefined {
  const certificate = readElement(der, 0);
  const tbs = children(der, certificate)[0] as Element;
  const extensionsWrapper = children(der, tbs).find((field) => field.tag === 0xa3);
  if (!extensionsWrapper) return undefined;
  const list = children(der, extensionsWrapper)[0] as Element;
  for (const extension of children(der, list)) {
    const parts = children(der, extension);
    const oid = parts[0] as Element;
    if (!der.subarray(oid.start, oid.end).equals(OID_KEY_USAGE)) continue;
    const value = parts[parts.length - 1] as Element; // OCTET STRING holding a BIT STRING
    const bitString = readElement(der, value.contentStart);
    const bytes = der.subarray(bitString.contentStart + 1, bitString.end);
    let bits = 0;
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      if ((bytes[bit >> 3] as number) & (0x80 >> (bit & 7))) bits |= 1 << bit;
    }
    return bits;
  }
  return undefined;
}

/** Parses one PEM certificate; `where` names its file for messages. */
export function parseCertificatePem(pem: string, where: string): CertificateInfo {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new InputError(`failed to read certificate ${where}: no PEM certificate in it`);
  }
  try {
    const certificate = new X509Certificate(blocks[0] as string);
    return {
      pem: `${blocks[0]}\n`,
      der: certificate.raw,
      subject: certificate.subject.split('\n').join(', '),
      serialNumber: certificate.serialNumber,
      notBefore: new Date(certificate.validFrom),
      notAfter: new Date(certificate.validTo),
      isCa: certificate.ca,
      keyUsage: keyUsageBits(certificate.raw),
      publicKeySpki: certificateSpki(certificate.raw),
    };
  } catch (cause) {
    throw new InputError(`failed to read certificate ${where}: ${describeCause(cause)}`, { cause });
  }
}

/** Refuses a certificate that cannot act as our CA: not a CA, may not sign certificates, or expired. */
export function assertUsableCa(certificate: CertificateInfo, where: string, now: Date = new Date()): void {
  if (!certificate.isCa) {
    throw new InputError(`failed to use CA certificate ${where}: it is not a CA certificate (basicConstraints CA:TRUE missing)`);
  }
  if (certificate.keyUsage !== undefined && (certificate.keyUsage & KEY_USAGE.keyCertSign) === 0) {
    throw new InputError(`failed to use CA certificate ${where}: its keyUsage does not allow keyCertSign`);
  }
  if (certificate.notAfter <= now) {
    throw new InputError(`failed to use CA certificate ${where}: it expired on ${certificate.notAfter.toISOString()}`, {
      hint: 'make a new CA with dockauth ca init --force',
    });
  }
}

/** Refuses a key that is not the certificate's own. */
export function assertKeyMatchesCertificate(certificate: CertificateInfo, keyPair: KeyPair, where: string): void {
  const ours = keyPair.publicKey.export({ type: 'spki', format: 'der' });
  // The certificate's bytes as written; re-encoded through OpenSSL when they differ, so an
  // unusual but equivalent encoding by another CA tool is not taken for another key.
  const theirs = () => createPublicKey({ key: certificate.publicKeySpki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' });
  if (!ours.equals(certificate.publicKeySpki) && !ours.equals(theirs())) {
    throw new InputError(`failed to use CA key ${where}: it does not belong to the CA certificate`, {
      hint: 'pass the key that was made together with the certificate',
    });
  }
}
