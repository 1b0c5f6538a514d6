import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { header } from '../decode/request-inputs.js';
import { checkIdentity, parseLeaf, type IdentityResult, type Inventory } from './identity.js';

/** The headers in which the gateway names the user it forwards for, and that user's certificate. */
export const USER_HEADER = 'X-Dockauth-User';
export const SERIAL_HEADER = 'X-Dockauth-Serial';
/** "TIME.HMAC" over the request line and the user it is for, keyed by a secret only the gateway and the plugin hold. */
export const SIGNATURE_HEADER = 'X-Dockauth-Signature';
/** How far the signature's time may be from the plugin's clock (the same host's). */
const SIGNATURE_WINDOW_S = 300;

/** The relay key: derived from the gateway's private key (PEM), which only root reads, on the one host both run on. */
export function relayKey(gatewayKeyPem: string | Buffer): Buffer {
  return createHash('sha256').update('dockauth relay key\n').update(gatewayKeyPem).digest();
}

function mac(key: Buffer, method: string, uri: string, user: string, serial: string, time: string): string {
  return createHmac('sha256', key).update(`${method}\n${uri}\n${user}\n${serial}\n${time}`).digest('hex');
}

/** The gateway's signature for one forwarded request. */
export function signRelay(key: Buffer, method: string, uri: string, user: string, serial: string, now = Date.now()): string {
  const time = String(Math.floor(now / 1000));
  return `${time}.${mac(key, method, uri, user, serial, time)}`;
}

function signatureValid(key: Buffer, signature: string, method: string, uri: string, user: string, serial: string, now: number): boolean {
  const match = /^(\d{1,12})\.([0-9a-f]{64})$/.exec(signature);
  if (!match || Math.abs(now / 1000 - Number(match[1])) > SIGNATURE_WINDOW_S) return false;
  const expected = Buffer.from(mac(key, method, uri, user, serial, match[1] as string), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2] as string, 'hex'));
}

/**
 * Whether the request came from the gateway: its peer certificate is, byte for byte, the
 * one the administrator named (`authz serve --gateway-certificate`). Any other certificate,
 * whatever its name, is a user's, and its headers are the user's words, never trusted.
 */
export function fromGateway(peerCertificates: readonly string[], gatewayCertificate: Buffer | undefined): boolean {
  const leaf = peerCertificates[0];
  if (gatewayCertificate === undefined || leaf === undefined) return false;
  return parseLeaf(leaf)?.der.equals(gatewayCertificate) ?? false;
}

/**
 * The user the gateway forwards for, checked as if they had connected themselves: the
 * certificate the gateway names must be in the inventory, issued to that user, and still
 * valid. A gateway cannot make up a user, or keep one alive after a revocation.
 */
export function relayedIdentity(request: { method: string; uri: string; headers: Record<string, string> }, key: Buffer | undefined, inventory: Inventory, now?: Date): IdentityResult & { user: string } {
  const { headers } = request;
  const user = header(headers, USER_HEADER.toLowerCase()) ?? '';
  const serial = header(headers, SERIAL_HEADER.toLowerCase()) ?? '';
  if (user === '' || serial === '') return { ok: false, serial: null, user, reason: 'the gateway named no user for this request' };
  // The gateway's certificate alone is not enough: the user, serial and request line must carry its signature.
  const signature = header(headers, SIGNATURE_HEADER.toLowerCase()) ?? '';
  if (key === undefined || !signatureValid(key, signature, request.method, request.uri, user, serial, (now ?? new Date()).getTime())) {
    return { ok: false, serial, user, reason: 'the request names a user but does not carry the gateway\'s signature for it' };
  }
  const record = inventory.find(serial);
  if (!record) return { ok: false, serial, user, reason: `certificate ${serial} was not issued by this host's dockauth CA` };
  return { ...checkIdentity(user, [record.certificatePem], inventory, now), user };
}
