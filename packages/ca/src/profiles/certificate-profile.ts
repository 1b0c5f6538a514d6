import { KeyUsageFlags } from '../x509.js';

export type ProfileName = 'ca' | 'server' | 'client';

/** What a kind of certificate may be used for; the CA enforces it whatever a request asks. */
export interface CertificateProfile {
  readonly name: ProfileName;
  readonly isCa: boolean;
  /** basicConstraints pathLenConstraint for a CA; absent for leaves. */
  readonly pathLength?: number;
  readonly keyUsage: KeyUsageFlags;
  /** Added for RSA keys only: RSA key transport (TLS 1.2 RSA kex) encrypts to the server's key. */
  readonly rsaExtraKeyUsage: KeyUsageFlags | 0;
  /** Extended key usage OIDs. */
  readonly extendedKeyUsage: readonly string[];
  readonly defaultValidityDays: number;
}

export const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
