import { randomBytes } from 'node:crypto';
import { isSerial, normalizeSerial, randomSerial } from './serial.js';

describe('serials', () => {
  test('are 16 bytes, positive and minimally encoded whatever the random bytes are', () => {
    for (const fill of [0x00, 0x7f, 0x80, 0xff]) {
      const serial = randomSerial((size) => Buffer.alloc(size, fill));
      expect(serial).toHaveLength(32);
      const first = parseInt(serial.slice(0, 2), 16);
      expect(first & 0x80).toBe(0); // positive
      expect(first).toBeGreaterThanOrEqual(0x40); // no leading zero byte
    }
  });

  test('carry at least 64 bits of entropy: 10,000 draws never repeat and vary in every byte', () => {
    const serials = Array.from({ length: 10_000 }, () => randomSerial(randomBytes));
    expect(new Set(serials).size).toBe(serials.length);
    for (let byte = 1; byte < 16; byte++) {
      expect(new Set(serials.map((serial) => serial.slice(byte * 2, byte * 2 + 2))).size).toBeGreaterThan(200);
    }
  });

  test('normalize as numbers: case, colons, 0x and leading zeros do not matter', () => {
    expect(normalizeSerial('00:AB:cd')).toBe('abcd');
    expect(normalizeSerial('0x00ABCD')).toBe('abcd');
    expect(normalizeSerial('0')).toBe('0');
    expect(isSerial('4a:01')).toBe(true);
    expect(isSerial('../etc')).toBe(false);
  });
});
