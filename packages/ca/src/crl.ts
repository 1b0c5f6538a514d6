import { KeyObject, sign } from 'node:crypto';
import { SubjectKeyIdentifierExtension, nativeCrypto } from './x509.js';
import { bitString, enumerated, explicit, extension, implicitPrimitive, integer, nullValue, objectIdentifier, sequence, time } from './der/der-writer.js';
import { certificateSubject } from './der/der-reader.js';
import type { KeyType } from './keys/key-type.js';
import { crlPem, type Issuer } from './issue.js';
import { REVOCATION_REASONS, type RevocationReason } from './revocation-reason.js';

export interface RevokedEntry {
  serial: string;
  revokedAt: Date;
  reason: RevocationReason;
}

export interface CrlRequest {
  entries: readonly RevokedEntry[];
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
}

const OID_CRL_NUMBER = '2.5.29.20';
const OID_REASON_CODE = '2.5.29.21';
const OID_AUTHORITY_KEY_ID = '2.5.29.35';

/** The signature algorithm identifier, and node's digest name, for a CA key type. */
function signatureAlgorithm(type: KeyType): { identifier: Buffer; digest: string | null } {
  switch (type) {
    case 'ecdsa-p256':
      return { identifier: sequence(objectIdentifier('1.2.840.10045.4.3.2')), digest: 'sha256' };
    case 'ecdsa-p384':
      return { identifier: sequence(objectIdentifier('1.2.840.10045.4.3.3')), digest: 'sha384' };
    case 'ed25519':
      return { identifier: sequence(objectIdentifier('1.3.101.112')), digest: null };
    default:
      return { identifier: sequence(objectIdentifier('1.2.840.113549.1.1.11'), nullValue()), digest: 'sha256' };
  }
}

/**
 * A v2 CRL signed by the CA, with the cRLNumber and authorityKeyIdentifier RFC 5280
 * requires and a reason code per entry. Encoded directly as DER: a CRL can list
 * every revoked certificate of a large site, and an object model costs too much.
 */
export async function buildCrl(request: CrlRequest, issuer: Issuer, crypto: Crypto = nativeCrypto): Promise<string> {
  const ski = issuer.certificate.getExtension(SubjectKeyIdentifierExtension);
  const keyId = ski?.keyId ?? (await SubjectKeyIdentifierExtension.create(issuer.certificate.publicKey, false, crypto)).keyId;
  const algorithm = signatureAlgorithm(issuer.keyPair.type);
  const entries = request.entries.map((entry) =>
    sequence(
      integer(entry.serial),
      time(entry.revokedAt),
      // RFC 5280: omit the reason code rather than write "unspecified".
      ...(entry.reason === 'unspecified' ? [] : [sequence(extension(OID_REASON_CODE, enumerated(REVOCATION_REASONS[entry.reason])))]),
    ),
  );
  const tbs = sequence(
    integer(1n), // v2
    algorithm.identifier,
    certificateSubject(Buffer.from(issuer.certificate.rawData)),
    time(request.thisUpdate),
    time(request.nextUpdate),
    ...(entries.length > 0 ? [sequence(...entries)] : []),
    explicit(0, sequence(
      extension(OID_AUTHORITY_KEY_ID, sequence(implicitPrimitive(0, Buffer.from(keyId, 'hex')))),
      extension(OID_CRL_NUMBER, integer(request.crlNumber)),
    )),
  );
  const key = KeyObject.from(issuer.keyPair.privateKey);
  const signature = sign(algorithm.digest, tbs, { key, dsaEncoding: 'der' });
  const der = sequence(tbs, algorithm.identifier, bitString(signature));
  return crlPem(new Uint8Array(der).buffer);
}
