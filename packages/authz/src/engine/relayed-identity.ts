import { X509Certificate } from 'node:crypto';
import { header } from '../decode/request-inputs.js';
import { checkIdentity, type IdentityResult, type Inventory } from './identity.js';

/** The headers in which the gateway names the user it forwards for, and that user's certificate. */
export const USER_HEADER = 'X-Dockauth-User';
export const SERIAL_HEADER = 'X-Dockauth-Serial';

/** DER of each peer certificate PEM seen: the gateway presents the same one on every request. */
const ders = new Map<string, Buffer | null>();

function derOf(pem: string): Buffer | null {
  let der = ders.get(pem);
  if (der === undefined) {
    try {
      der = new X509Certificate(pem).raw;
    } catch {
      der = null;
    }
    if (ders.size >= 4096) ders.clear();
    ders.set(pem, der);
  }
  return der;
}

/**
 * Whether the request came from the gateway: its peer certificate is, byte for byte, the
 * one the administrator named (`authz serve --gateway-certificate`). Any other certificate,
 * whatever its name, is a user's, and its headers are the user's words, never trusted.
 */
export function fromGateway(peerCertificates: readonly string[], gatewayCertificate: Buffer | undefined): boolean {
  const leaf = peerCertificates[0];
  if (gatewayCertificate === undefined || leaf === undefined) return false;
  const der = derOf(leaf);
  return der !== null && der.equals(gatewayCertificate);
}

/**
 * The user the gateway forwards for, checked as if they had connected themselves: the
 * certificate the gateway names must be in the inventory, issued to that user, and still
 * valid. A gateway cannot make up a user, or keep one alive after a revocation.
 */
export function relayedIdentity(headers: Record<string, string>, inventory: Inventory, now?: Date): IdentityResult & { user: string } {
  const user = header(headers, USER_HEADER.toLowerCase()) ?? '';
  const serial = header(headers, SERIAL_HEADER.toLowerCase()) ?? '';
  if (user === '' || serial === '') return { ok: false, serial: null, user, reason: 'the gateway named no user for this request' };
  const record = inventory.find(serial);
  if (!record) return { ok: false, serial, user, reason: `certificate ${serial} was not issued by this host's dockauth CA` };
  return { ...checkIdentity(user, [record.certificatePem], inventory, now), user };
}
