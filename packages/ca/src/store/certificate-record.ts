import type { KeyType } from '../keys/key-type.js';
import type { ProfileName } from '../profiles/certificate-profile.js';
import type { RevocationReason } from '../revocation-reason.js';

/** One row of the inventory: a certificate the CA issued, and what became of it. */
export interface CertificateRecord {
  serial: string;
  profile: ProfileName;
  subject: string;
  /** The login name of a client certificate (its CN); null for the CA and servers. */
  user: string | null;
  groups: string[];
  hosts: string[];
  keyType: KeyType;
  /** "generated": we made the key; "csr": the holder kept it; "imported": the CA itself, brought in. */
  origin: 'generated' | 'csr' | 'imported';
  /** Where the certificate was installed (a user's ~/.docker or an --out bundle), so renewal can put the next one there. */
  destination: string | null;
  notBefore: Date;
  notAfter: Date;
  issuedAt: Date;
  status: 'valid' | 'revoked';
  revokedAt: Date | null;
  revocationReason: RevocationReason | null;
  certificatePem: string;
}

export type CertificateState = 'valid' | 'revoked' | 'expired';

/** What a record means today: revoked wins over expired. */
export function certificateState(record: CertificateRecord, now: Date = new Date()): CertificateState {
  if (record.status === 'revoked') return 'revoked';
  return record.notAfter <= now ? 'expired' : 'valid';
}
