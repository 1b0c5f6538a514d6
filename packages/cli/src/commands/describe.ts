import { createHash } from 'node:crypto';
import { CaStore, certificateState, type CertificateRecord } from '@dockauth/ca';
import { formatDate } from '../store-access.js';

/** The CA as commands report it. */
export async function describeCa(store: CaStore): Promise<Record<string, string>> {
  const record = (await store.list({ profile: 'ca' })).at(-1);
  const paths = CaStore.paths(store.dir);
  return {
    subject: store.caCertificate.subject,
    serial: record?.serial ?? store.caCertificate.serialNumber.toLowerCase(),
    keyType: record?.keyType ?? 'unknown',
    notBefore: formatDate(store.caCertificate.notBefore),
    notAfter: formatDate(store.caCertificate.notAfter),
    sha256: createHash('sha256').update(store.caCertificate.der).digest('hex'),
    certificate: paths.caCertificate,
    key: paths.caKey,
  };
}

/** A certificate record as commands report it (JSON-friendly, no PEM). */
export function describeRecord(record: CertificateRecord, now: Date): Record<string, unknown> {
  return {
    serial: record.serial,
    profile: record.profile,
    subject: record.subject,
    user: record.user,
    groups: record.groups,
    hosts: record.hosts,
    keyType: record.keyType,
    origin: record.origin,
    notBefore: formatDate(record.notBefore),
    notAfter: formatDate(record.notAfter),
    status: certificateState(record, now),
    revokedAt: record.revokedAt ? formatDate(record.revokedAt) : null,
    revocationReason: record.revocationReason,
  };
}
