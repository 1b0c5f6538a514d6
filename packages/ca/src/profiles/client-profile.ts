import { KEY_USAGE, OID_CLIENT_AUTH, type CertificateProfile } from './certificate-profile.js';

export const CLIENT_PROFILE: CertificateProfile = {
  name: 'client',
  isCa: false,
  // A TLS client only signs the handshake (CertificateVerify); it never decrypts key transport.
  keyUsage: KEY_USAGE.digitalSignature,
  rsaExtraKeyUsage: 0,
  // clientAuth only: a user's certificate must not be usable to impersonate the daemon.
  extendedKeyUsage: [OID_CLIENT_AUTH],
  defaultValidityDays: 365,
};
