import type { KeyType } from '../keys/key-type.js';
import { normalizeSerial } from '../serial.js';
import type { CertificateRecord } from './certificate-record.js';

/** What a record needs of a certificate, from either reader. */
export interface CertificateFields {
  serialNumber: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  pem: string;
}

/** The columns every record has, for a certificate just made or imported (valid, not revoked). */
export function recordBase(
  certificate: CertificateFields,
  keyType: KeyType,
  issuedAt: Date,
): Omit<CertificateRecord, 'profile' | 'user' | 'groups' | 'hosts' | 'origin' | 'destination'> {
  return {
    serial: normalizeSerial(certificate.serialNumber),
    subject: certificate.subject,
    keyType,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    issuedAt,
    status: 'valid',
    revokedAt: null,
    revocationReason: null,
    certificatePem: certificate.pem,
  };
}
