import { bitString, enumerated, explicit, extension, implicitPrimitive, integer, sequence, time } from './der/der-writer.js';
import { certificateSubject } from './der/der-reader.js';
import { signatureAlgorithm, signDer, subjectKeyIdentifier } from './der/certificate-der.js';
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

/**
 * A v2 CRL signed by the CA, with the cRLNumber and authorityKeyIdentifier RFC 5280
 * requires and a reason code per entry. Encoded directly as DER: a CRL can list
 * every revoked certificate of a large site, and an object model costs too much.
 */
export async function buildCrl(request: CrlRequest, issuer: Issuer): Promise<string> {
  const keyId = subjectKeyIdentifier(issuer.certificate.der, issuer.certificate.publicKeySpki);
  const algorithm = signatureAlgorithm(issuer.keyPair.type);
  // A large CRL repeats the same few reason extensions and revocation times: encode each once.
  const reasons = new Map<RevocationReason, Buffer[]>();
  const times = new Map<number, Buffer>();
  const entries = request.entries.map((entry) => {
    let reason = reasons.get(entry.reason);
    if (!reason) {
      // RFC 5280: omit the reason code rather than write "unspecified".
      reason = entry.reason === 'unspecified' ? [] : [sequence(extension(OID_REASON_CODE, enumerated(REVOCATION_REASONS[entry.reason])))];
      reasons.set(entry.reason, reason);
    }
    const at = entry.revokedAt.getTime();
    let revokedAt = times.get(at);
    if (!revokedAt) {
      revokedAt = time(entry.revokedAt);
      if (times.size < 100_000) times.set(at, revokedAt);
    }
    return sequence(integer(entry.serial), revokedAt, ...reason);
  });
  const tbs = sequence(
    integer(1n), // v2
    algorithm.identifier,
    certificateSubject(issuer.certificate.der),
    time(request.thisUpdate),
    time(request.nextUpdate),
    ...(entries.length > 0 ? [sequence(...entries)] : []),
    explicit(0, sequence(
      extension(OID_AUTHORITY_KEY_ID, sequence(implicitPrimitive(0, keyId))),
      extension(OID_CRL_NUMBER, integer(request.crlNumber)),
    )),
  );
  const der = sequence(tbs, algorithm.identifier, bitString(signDer(tbs, issuer.keyPair.type, issuer.keyPair.privateKey)));
  return crlPem(der);
}
