import { KEY_USAGE, type CertificateProfile } from './certificate-profile.js';

export const CA_PROFILE: CertificateProfile = {
  name: 'ca',
  isCa: true,
  // pathlen 0: this CA signs only leaf certificates; nobody can mint a sub-CA from one it issued.
  pathLength: 0,
  // keyCertSign to issue certificates, cRLSign to publish revocations; nothing else.
  keyUsage: KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign,
  rsaExtraKeyUsage: 0,
  // No EKU on the root: an EKU on a CA would constrain every chain under it in some verifiers.
  extendedKeyUsage: [],
  defaultValidityDays: 3650,
};
