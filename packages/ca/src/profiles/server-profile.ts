import { KEY_USAGE, OID_SERVER_AUTH, type CertificateProfile } from './certificate-profile.js';

export const SERVER_PROFILE: CertificateProfile = {
  name: 'server',
  isCa: false,
  // digitalSignature for (EC)DHE handshakes, the only key exchange TLS 1.3 has.
  keyUsage: KEY_USAGE.digitalSignature,
  // keyEncipherment for RSA TLS 1.2 clients that still use RSA key transport.
  rsaExtraKeyUsage: KEY_USAGE.keyEncipherment,
  // serverAuth only: a daemon certificate must never pass as a user's client certificate.
  extendedKeyUsage: [OID_SERVER_AUTH],
  defaultValidityDays: 365,
};
