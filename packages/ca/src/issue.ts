import type { KeyObject } from 'node:crypto';
import type { CertificateInfo } from './ca-certificate.js';
import { encodeName, signCertificate, subjectKeyIdentifier, keyIdentifier } from './der/certificate-der.js';
import { certificateSubject } from './der/der-reader.js';
import { isRsa, type KeyType } from './keys/key-type.js';
import type { KeyPair } from './keys/key-pair.js';
import type { CertificateProfile } from './profiles/certificate-profile.js';
import type { HostName } from './names.js';
import type { SubjectFields } from './subject.js';
import type { Validity } from './validity.js';

/** The CA that signs: its certificate and its key. */
export interface Issuer {
  readonly certificate: CertificateInfo;
  readonly keyPair: KeyPair;
}

export interface IssueRequest {
  profile: CertificateProfile;
  subject: SubjectFields;
  publicKey: KeyObject;
  publicKeyType: KeyType;
  hosts?: readonly HostName[];
  validity: Validity;
  serial: string;
}

/** A certificate just signed, with what the inventory records of it. */
export interface IssuedCertificate {
  der: Buffer;
  pem: string;
  serialNumber: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

function content(request: Omit<IssueRequest, 'publicKey' | 'publicKeyType'>, spki: Buffer, keyType: KeyType, issuerName: Buffer, authorityKeyId: Buffer) {
  const { profile } = request;
  const name = encodeName(request.subject);
  return {
    name,
    content: {
      serialHex: request.serial,
      issuerName,
      subjectName: name.der,
      notBefore: request.validity.notBefore,
      notAfter: request.validity.notAfter,
      subjectSpki: spki,
      isCa: profile.isCa,
      pathLength: profile.pathLength,
      keyUsage: profile.keyUsage | (isRsa(keyType) ? profile.rsaExtraKeyUsage : 0),
      extendedKeyUsage: profile.extendedKeyUsage,
      authorityKeyId,
      hosts: request.hosts,
    },
  };
}

/** Signs a leaf certificate for `request` with the issuer's key, as the profile prescribes. */
export function issueCertificate(request: IssueRequest, issuer: Issuer): IssuedCertificate {
  const spki = request.publicKey.export({ type: 'spki', format: 'der' });
  // The issuer's own SKI (an imported CA may compute it differently) and its Name, byte for byte.
  const authorityKeyId = subjectKeyIdentifier(issuer.certificate.der, issuer.certificate.publicKeySpki);
  const built = content(request, spki, request.publicKeyType, certificateSubject(issuer.certificate.der), authorityKeyId);
  const signed = signCertificate(built.content, { type: issuer.keyPair.type, key: issuer.keyPair.privateKey });
  return { ...signed, serialNumber: request.serial, subject: built.name.text, notBefore: request.validity.notBefore, notAfter: request.validity.notAfter };
}

/** Self-signs a CA certificate for `keyPair`. */
export function selfSignCertificate(request: Omit<IssueRequest, 'publicKey' | 'publicKeyType'>, keyPair: KeyPair): IssuedCertificate {
  const spki = keyPair.publicKey.export({ type: 'spki', format: 'der' });
  const name = encodeName(request.subject).der;
  const built = content(request, spki, keyPair.type, name, keyIdentifier(spki));
  const signed = signCertificate(built.content, { type: keyPair.type, key: keyPair.privateKey });
  return { ...signed, serialNumber: request.serial, subject: built.name.text, notBefore: request.validity.notBefore, notAfter: request.validity.notAfter };
}

export function crlPem(der: ArrayBuffer | Buffer): string {
  // openssl reads only the "X509 CRL" label.
  const base64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString('base64');
  return `-----BEGIN X509 CRL-----\n${base64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END X509 CRL-----\n`;
}
