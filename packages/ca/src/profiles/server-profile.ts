import { KeyUsageFlags } from '../x509.js';
import { OID_SERVER_AUTH, type CertificateProfile } from './certificate-profile.js';

export const SERVER_PROFILE: CertificateProfile = {
  name: 'server',
  isCa: false,
  // digitalSignature for (EC)DHE handshakes, the only key exchange TLS 1.3 has.
  keyUsage: KeyUsageFlags.digitalSignature,
  // keyEncipherment for RSA TLS 1.2 clients that still use RSA key transport.
  rsaExtraKeyUsage: KeyUsageFlags.keyEncipherment,
  // serverAuth only: a daemon certificate must never pass as a user's client certificate.
  extendedKeyUsage: [OID_SERVER_AUTH],
  defaultValidityDays: 365,
};
