import { X509Certificate } from 'node:crypto';
import { certificateState, normalizeSerial, pemToDer, type CertificateRecord } from '@dockauth/ca';

export type IdentityResult =
  | { ok: true; serial: string; groups: string[] }
  | { ok: false; serial: string | null; reason: string };

/** The inventory, as far as the identity check needs it (a CertificateStatusSource). */
export interface Inventory {
  find(serial: string): CertificateRecord | undefined;
  /** Why no certificate can be trusted now (a shared inventory lost past `graceMs`): every TLS user is denied. */
  unavailable?(graceMs: number, now: Date): string | undefined;
  /** Bumped on every change learnt (a shared inventory's mirror): cached verdicts older than it are dropped. */
  generation?(): number;
}

/** Parsed peer certificates by PEM: the same user presents the same one on every request. */
const leaves = new Map<string, { serial: string; der: Buffer } | null>();

/** A peer certificate's serial and DER, parsed once per PEM (null when it cannot be read). */
export function parseLeaf(pem: string): { serial: string; der: Buffer } | null {
  const cached = leaves.get(pem);
  if (cached !== undefined) return cached;
  let parsed: { serial: string; der: Buffer } | null;
  try {
    const certificate = new X509Certificate(pem);
    parsed = { serial: normalizeSerial(certificate.serialNumber), der: certificate.raw };
  } catch {
    parsed = null;
  }
  if (leaves.size >= 4096) leaves.clear();
  leaves.set(pem, parsed);
  return parsed;
}

/**
 * dockerd accepts any certificate our CA signed and takes its CN as the user.
 * The plugin accepts only a client certificate the inventory holds, issued to
 * exactly this user, byte for byte, and not revoked — the inventory is read on
 * every request, so a revocation counts from the next one.
 */
export function checkIdentity(user: string, peerCertificates: readonly string[], inventory: Inventory, now: Date = new Date(), graceMs = 0): IdentityResult {
  const unavailable = inventory.unavailable?.(graceMs, now);
  if (unavailable) return { ok: false, serial: null, reason: unavailable };
  const key = `${user}\n${peerCertificates[0] ?? ''}`;
  const generation = inventory.generation?.() ?? 0;
  const cached = verdicts.get(inventory)?.get(key);
  if (cached && cached.generation === generation && now.getTime() - cached.at >= 0 && now.getTime() - cached.at < VERDICT_TTL_MS) return cached.result;
  const result = checkIdentityNow(user, peerCertificates, inventory, now);
  let cache = verdicts.get(inventory);
  if (!cache) {
    cache = new Map();
    verdicts.set(inventory, cache);
  }
  if (cache.size > 4096) cache.clear();
  cache.set(key, { result, at: now.getTime(), generation });
  return result;
}

/** A verdict is reused for a quarter of a second: a revocation still counts within one. */
const VERDICT_TTL_MS = 250;
const verdicts = new WeakMap<Inventory, Map<string, { result: IdentityResult; at: number; generation: number }>>();

function checkIdentityNow(user: string, peerCertificates: readonly string[], inventory: Inventory, now: Date): IdentityResult {
  const leafPem = peerCertificates[0];
  if (!leafPem) return { ok: false, serial: null, reason: 'no client certificate reached the plugin' };
  const leaf = parseLeaf(leafPem);
  if (!leaf) return { ok: false, serial: null, reason: 'the client certificate could not be read' };
  const serial = leaf.serial;
  const record = inventory.find(serial);
  if (!record) return { ok: false, serial, reason: `certificate ${serial} was not issued by this host's dockauth CA` };
  if (record.profile !== 'client') return { ok: false, serial, reason: `certificate ${serial} is a ${record.profile} certificate, not a user's` };
  if (record.user !== user) return { ok: false, serial, reason: `certificate ${serial} was issued to ${record.user}, not to ${user}` };
  if (!pemToDer(record.certificatePem).equals(leaf.der)) {
    return { ok: false, serial, reason: `certificate ${serial} does not match the one this CA issued` };
  }
  const state = certificateState(record, now);
  if (state === 'revoked') {
    return { ok: false, serial, reason: `certificate ${serial} was revoked (${record.revocationReason ?? 'unspecified'}): ask your administrator for a new one` };
  }
  if (state === 'expired') return { ok: false, serial, reason: `certificate ${serial} has expired: ask your administrator to renew it` };
  return { ok: true, serial, groups: record.groups };
}
