import { CA_PROFILE } from './profiles/ca-profile.js';
import { DEFAULT_KEY_TYPE, type KeyType } from './keys/key-type.js';
import { exportPrivateKeyPem, generateKeyPair } from './keys/key-pair.js';
import { selfSignCertificate } from './issue.js';
import { randomSerial } from './serial.js';
import type { SubjectFields } from './subject.js';
import { computeValidity, daysToMs } from './validity.js';

export interface CreateCaOptions {
  subject: SubjectFields;
  keyType?: KeyType;
  /** Validity in milliseconds (see parseDuration); default 10 years. */
  durationMs?: number;
  /** Encrypt the CA key (PKCS#8, PBKDF2 + AES-256-CBC). */
  passphrase?: string;
  now?: Date;
}

/** A CA certificate and its key, as PEM, ready for the store. */
export interface CaMaterial {
  certificatePem: string;
  privateKeyPem: string;
  keyType: KeyType;
  /** "generated" by createCa, or "imported" from files made elsewhere. */
  origin: 'generated' | 'imported';
}

export async function createCa(options: CreateCaOptions): Promise<CaMaterial> {
  const keyType = options.keyType ?? DEFAULT_KEY_TYPE;
  const keyPair = await generateKeyPair(keyType);
  const validity = computeValidity(options.now ?? new Date(), options.durationMs ?? daysToMs(CA_PROFILE.defaultValidityDays));
  const certificate = selfSignCertificate({ profile: CA_PROFILE, subject: options.subject, validity, serial: randomSerial() }, keyPair);
  return {
    certificatePem: certificate.pem,
    privateKeyPem: exportPrivateKeyPem(keyPair.privateKey, options.passphrase),
    keyType,
    origin: 'generated',
  };
}
