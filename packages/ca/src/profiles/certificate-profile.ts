/** keyUsage bits as RFC 5280 numbers them (the values @peculiar/x509's KeyUsageFlags uses). */
export const KEY_USAGE = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyEncipherment: 4,
  dataEncipherment: 8,
  keyAgreement: 16,
  keyCertSign: 32,
  cRLSign: 64,
} as const;
type KeyUsageFlags = number;

export type ProfileName = 'ca' | 'server' | 'client';

/** What a kind of certificate may be used for; the CA enforces it whatever a request asks. */
export interface CertificateProfile {
  readonly name: ProfileName;
  readonly isCa: boolean;
  /** basicConstraints pathLenConstraint for a CA; absent for leaves. */
  readonly pathLength?: number;
  readonly keyUsage: KeyUsageFlags;
  /** Added for RSA keys only: RSA key transport (TLS 1.2 RSA kex) encrypts to the server's key. */
  readonly rsaExtraKeyUsage: KeyUsageFlags;
  /** Extended key usage OIDs. */
  readonly extendedKeyUsage: readonly string[];
  readonly defaultValidityDays: number;
}

export const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
