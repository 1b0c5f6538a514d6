import { exportPrivateKeyPem, importPrivateKeyPem } from './keys/key-pair.js';
import { assertKeyMatchesCertificate, assertUsableCa, parseCertificatePem } from './ca-certificate.js';
import type { CaMaterial } from './create-ca.js';

export interface ImportCaOptions {
  certificatePem: string;
  privateKeyPem: string;
  /** Where they came from, for messages. */
  certificateWhere: string;
  keyWhere: string;
  /** Passphrase of the key as given; the stored key is encrypted with it again. */
  passphrase?: string;
  now?: Date;
}

/**
 * Takes over a CA made elsewhere (openssl, cfssl): the key may be PKCS#1, SEC1 or
 * PKCS#8, encrypted or not; it is stored as PKCS#8.
 */
export async function importCa(options: ImportCaOptions): Promise<CaMaterial> {
  const certificate = parseCertificatePem(options.certificatePem, options.certificateWhere);
  assertUsableCa(certificate, options.certificateWhere, options.now);
  const keyPair = importPrivateKeyPem(options.privateKeyPem, { passphrase: options.passphrase, where: options.keyWhere });
  assertKeyMatchesCertificate(certificate, keyPair, options.keyWhere);
  return {
    certificatePem: certificate.pem,
    privateKeyPem: exportPrivateKeyPem(keyPair.privateKey, options.passphrase),
    keyType: keyPair.type,
    origin: 'imported',
  };
}
