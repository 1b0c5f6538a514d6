import { X509Certificate } from 'node:crypto';
import { certificateState, normalizeSerial, type CertificateRecord } from '@dockauth/ca';

export type IdentityResult =
  | { ok: true; serial: string; groups: string[] }
  | { ok: false; serial: string | null; reason: string };

/** The inventory, as far as the identity check needs it (a CaStore opened read-only). */
export interface Inventory {
  find(serial: string): CertificateRecord | undefined;
}

/**
 * dockerd accepts any certificate our CA signed and takes its CN as the user.
 * The plugin accepts only a client certificate the inventory holds, issued to
 * exactly this user, byte for byte, and not revoked — the inventory is read on
 * every request, so a revocation counts from the next one.
 */
export function checkIdentity(user: string, peerCertificates: readonly string[], inventory: Inventory, now: Date = new Date()): IdentityResult {
  const leafPem = peerCertificates[0];
  if (!leafPem) return { ok: false, serial: null, reason: 'no client certificate reached the plugin' };
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(leafPem);
  } catch {
    return { ok: false, serial: null, reason: 'the client certificate could not be read' };
  }
  const serial = normalizeSerial(leaf.serialNumber);
  const record = inventory.find(serial);
  if (!record) return { ok: false, serial, reason: `certificate ${serial} was not issued by this host's dockauth CA` };
  if (record.profile !== 'client') return { ok: false, serial, reason: `certificate ${serial} is a ${record.profile} certificate, not a user's` };
  if (record.user !== user) return { ok: false, serial, reason: `certificate ${serial} was issued to ${record.user}, not to ${user}` };
  if (!new X509Certificate(record.certificatePem).raw.equals(leaf.raw)) {
    return { ok: false, serial, reason: `certificate ${serial} does not match the one this CA issued` };
  }
  const state = certificateState(record, now);
  if (state === 'revoked') {
    return { ok: false, serial, reason: `certificate ${serial} was revoked (${record.revocationReason ?? 'unspecified'}): ask your administrator for a new one` };
  }
  if (state === 'expired') return { ok: false, serial, reason: `certificate ${serial} has expired: ask your administrator to renew it` };
  return { ok: true, serial, groups: record.groups };
}
