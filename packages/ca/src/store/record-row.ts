import type { CertificateRecord } from './certificate-record.js';

/** A certificate as both backends store it: times in milliseconds, lists as JSON. */
export type Row = {
  serial: string;
  profile: CertificateRecord['profile'];
  subject: string;
  user: string | null;
  groups_json: string;
  hosts_json: string;
  key_type: CertificateRecord['keyType'];
  origin: CertificateRecord['origin'];
  destination: string | null;
  not_before: number;
  not_after: number;
  issued_at: number;
  status: CertificateRecord['status'];
  revoked_at: number | null;
  revocation_reason: CertificateRecord['revocationReason'];
  pem: string;
};

/** The columns in table order (a migration copies rows column for column). */
export const ROW_COLUMNS = ['serial', 'profile', 'subject', 'user', 'groups_json', 'hosts_json', 'key_type', 'origin', 'destination', 'not_before', 'not_after', 'issued_at', 'status', 'revoked_at', 'revocation_reason', 'pem'] as const;

export function toRow(record: CertificateRecord): Row {
  return {
    serial: record.serial,
    profile: record.profile,
    subject: record.subject,
    user: record.user,
    groups_json: JSON.stringify(record.groups),
    hosts_json: JSON.stringify(record.hosts),
    key_type: record.keyType,
    origin: record.origin,
    destination: record.destination,
    not_before: record.notBefore.getTime(),
    not_after: record.notAfter.getTime(),
    issued_at: record.issuedAt.getTime(),
    status: record.status,
    revoked_at: record.revokedAt?.getTime() ?? null,
    revocation_reason: record.revocationReason,
    pem: record.certificatePem,
  };
}

export function fromRow(row: Row): CertificateRecord {
  return {
    serial: row.serial,
    profile: row.profile,
    subject: row.subject,
    user: row.user,
    groups: JSON.parse(row.groups_json) as string[],
    hosts: JSON.parse(row.hosts_json) as string[],
    keyType: row.key_type,
    origin: row.origin,
    destination: row.destination,
    notBefore: new Date(row.not_before),
    notAfter: new Date(row.not_after),
    issuedAt: new Date(row.issued_at),
    status: row.status,
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
    revocationReason: row.revocation_reason,
    certificatePem: row.pem,
  };
}
