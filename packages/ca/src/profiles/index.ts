export { CA_PROFILE } from './ca-profile.js';
export { SERVER_PROFILE } from './server-profile.js';
export { CLIENT_PROFILE } from './client-profile.js';
export { OID_CLIENT_AUTH, OID_SERVER_AUTH } from './certificate-profile.js';
export type { CertificateProfile, ProfileName } from './certificate-profile.js';
