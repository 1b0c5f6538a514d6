import { AuthorityKeyIdentifierExtension, Extension, SubjectKeyIdentifierExtension, X509CrlGenerator, nativeCrypto } from './x509.js';
import { signingAlgorithm } from './keys/key-type.js';
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

/** A v2 CRL signed by the CA, with the cRLNumber and authorityKeyIdentifier RFC 5280 requires. */
export async function buildCrl(request: CrlRequest, issuer: Issuer, crypto: Crypto = nativeCrypto): Promise<string> {
  const ski = issuer.certificate.getExtension(SubjectKeyIdentifierExtension);
  const keyId = ski?.keyId ?? (await SubjectKeyIdentifierExtension.create(issuer.certificate.publicKey, false, crypto)).keyId;
  const crl = await X509CrlGenerator.create(
    {
      issuer: issuer.certificate.subjectName,
      thisUpdate: request.thisUpdate,
      nextUpdate: request.nextUpdate,
      signingAlgorithm: signingAlgorithm(issuer.keyPair.type),
      signingKey: issuer.keyPair.privateKey,
      extensions: [
        new AuthorityKeyIdentifierExtension(keyId, false),
        new Extension(OID_CRL_NUMBER, false, derInteger(request.crlNumber)),
      ],
      entries: request.entries.map((entry) => ({
        serialNumber: entry.serial,
        revocationDate: entry.revokedAt,
        // RFC 5280: omit the reason code rather than write "unspecified".
        reason: entry.reason === 'unspecified' ? undefined : REVOCATION_REASONS[entry.reason],
      })),
    },
    crypto,
  );
  return crlPem(crl.rawData);
}

/** DER INTEGER of a non-negative number, minimally encoded. */
function derInteger(value: bigint): Uint8Array<ArrayBuffer> {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let body = Buffer.from(hex, 'hex');
  if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return new Uint8Array([0x02, body.length, ...body]);
}
