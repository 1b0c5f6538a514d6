import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  type Extension,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  nativeCrypto,
} from '../x509.js';
import type { CertificateProfile } from '../profiles/certificate-profile.js';
import { isRsa, type KeyType } from '../keys/key-type.js';
import type { HostName } from '../names.js';

export interface ExtensionInput {
  profile: CertificateProfile;
  subjectPublicKey: CryptoKey;
  subjectKeyType: KeyType;
  /** Hex key identifier of the issuing CA; for a self-signed CA, leave undefined (its own SKI is used). */
  issuerKeyId?: string;
  hosts?: readonly HostName[];
}

/** The extensions a profile prescribes. Nothing from a request is copied in. */
export async function profileExtensions(input: ExtensionInput, crypto: Crypto = nativeCrypto): Promise<Extension[]> {
  const { profile } = input;
  const ski = await SubjectKeyIdentifierExtension.create(input.subjectPublicKey, false, crypto);
  const extensions: Extension[] = [
    new BasicConstraintsExtension(profile.isCa, profile.isCa ? profile.pathLength : undefined, true),
    new KeyUsagesExtension(profile.keyUsage | (isRsa(input.subjectKeyType) ? profile.rsaExtraKeyUsage : 0), true),
  ];
  if (profile.extendedKeyUsage.length > 0) {
    extensions.push(new ExtendedKeyUsageExtension([...profile.extendedKeyUsage], false));
  }
  extensions.push(ski, new AuthorityKeyIdentifierExtension(input.issuerKeyId ?? ski.keyId, false));
  if (input.hosts && input.hosts.length > 0) {
    extensions.push(
      new SubjectAlternativeNameExtension(input.hosts.map((host) => ({ type: host.kind, value: host.value }))),
    );
  }
  return extensions;
}
