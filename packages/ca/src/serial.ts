import { randomBytes } from 'node:crypto';

/**
 * A fresh certificate serial as lowercase hex: 16 random bytes with the top bit
 * cleared (a DER INTEGER must stay positive) and the next bit set (so the
 * encoding is always minimal and 16 bytes long). 126 bits of entropy, well above
 * the 64 the CA/Browser Forum asks for; uniqueness is still enforced by the store.
 */
export function randomSerial(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** Serials compare as numbers: strip leading zeros and case so "00AB" and "ab" match. */
export function normalizeSerial(serial: string): string {
  const hex = serial.trim().toLowerCase().replace(/^0x/, '').replace(/:/g, '');
  const stripped = hex.replace(/^0+(?=.)/, '');
  return stripped;
}

export function isSerial(value: string): boolean {
  return /^(0x)?[0-9a-fA-F:]{1,80}$/.test(value.trim());
}
