import {
  type JsonName,
  PemConverter,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  nativeCrypto,
} from './x509.js';
import { profileExtensions } from './extensions/profile-extensions.js';
import { signingAlgorithm, type KeyType } from './keys/key-type.js';
import type { KeyPair } from './keys/key-pair.js';
import type { CertificateProfile } from './profiles/certificate-profile.js';
import type { HostName } from './names.js';
import type { Validity } from './validity.js';

/** The CA that signs: its certificate and its key. */
export interface Issuer {
  readonly certificate: X509Certificate;
  readonly keyPair: KeyPair;
}

export interface IssueRequest {
  profile: CertificateProfile;
  subject: JsonName;
  publicKey: CryptoKey;
  publicKeyType: KeyType;
  hosts?: readonly HostName[];
  validity: Validity;
  serial: string;
}

/** Signs a leaf certificate for `request` with the issuer's key, as the profile prescribes. */
export async function issueCertificate(
  request: IssueRequest,
  issuer: Issuer,
  crypto: Crypto = nativeCrypto,
): Promise<X509Certificate> {
  const extensions = await profileExtensions(
    {
      profile: request.profile,
      subjectPublicKey: request.publicKey,
      subjectKeyType: request.publicKeyType,
      issuerKeyId: await issuerKeyId(issuer.certificate, crypto),
      hosts: request.hosts,
    },
    crypto,
  );
  return X509CertificateGenerator.create(
    {
      serialNumber: request.serial,
      subject: request.subject,
      issuer: issuer.certificate.subjectName,
      notBefore: request.validity.notBefore,
      notAfter: request.validity.notAfter,
      signingAlgorithm: signingAlgorithm(issuer.keyPair.type),
      publicKey: request.publicKey,
      signingKey: issuer.keyPair.privateKey,
      extensions,
    },
    crypto,
  );
}

/** Self-signs a CA certificate for `keyPair`. */
export async function selfSignCertificate(
  request: Omit<IssueRequest, 'publicKey' | 'publicKeyType'>,
  keyPair: KeyPair,
  crypto: Crypto = nativeCrypto,
): Promise<X509Certificate> {
  const extensions = await profileExtensions(
    { profile: request.profile, subjectPublicKey: keyPair.publicKey, subjectKeyType: keyPair.type },
    crypto,
  );
  return X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: request.serial,
      name: request.subject,
      notBefore: request.validity.notBefore,
      notAfter: request.validity.notAfter,
      signingAlgorithm: signingAlgorithm(keyPair.type),
      keys: { privateKey: keyPair.privateKey, publicKey: keyPair.publicKey },
      extensions,
    },
    crypto,
  );
}

/** The issuer's key identifier: its own SKI when it has one (imported CAs may compute it differently). */
async function issuerKeyId(certificate: X509Certificate, crypto: Crypto): Promise<string> {
  const ski = certificate.getExtension(SubjectKeyIdentifierExtension);
  if (ski) return ski.keyId;
  const computed = await SubjectKeyIdentifierExtension.create(certificate.publicKey, false, crypto);
  return computed.keyId;
}

export function certificatePem(certificate: X509Certificate): string {
  return `${certificate.toString('pem')}\n`;
}

export function crlPem(der: ArrayBuffer): string {
  // openssl reads only the "X509 CRL" label (x509's own is "CRL").
  return `${PemConverter.encode(der, 'X509 CRL')}\n`;
}
