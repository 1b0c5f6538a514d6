/**
 * Tar headers read the way Go's archive/tar (which dockerd unpacks `docker load` archives
 * with) reads them, for the few forms `docker save` writes; anything else is refused, not
 * guessed at. What both readers agree on is all the gateway relies on.
 */
export const BLOCK = 512;

export class ArchiveRefused extends Error {}

export interface TarHeader {
  /** The entry's path, cleaned as dockerd cleans it (no leading "/", "./" or "..", no trailing "/"). */
  name: string;
  type: string;
  size: number;
}

const text = (bytes: Buffer): string => {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
};

/** Go's parseOctal: spaces and NULs trimmed at both ends, then octal digits only. Base-256 is refused. */
function octal(field: Buffer, what: string): number {
  if (((field[0] as number) & 0x80) !== 0) throw new ArchiveRefused(`a tar header's ${what} is in base-256, which dockauth does not read`);
  const digits = field.toString('latin1').replace(/^[ \0]+|[ \0]+$/g, '');
  if (!/^[0-7]*$/.test(digits)) throw new ArchiveRefused(`a tar header's ${what} is not an octal number`);
  return digits === '' ? 0 : parseInt(digits, 8);
}

/** filepath.Clean of a relative path, as moby's untar applies it before writing. */
export function cleanPath(name: string): string {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

const TYPES = new Set(['0', '\0', '1', '2', '5', 'x', 'g']);

/** One header block: checksum, magic, size and type checked; a POSIX header's prefix must be empty. */
export function parseHeader(block: Buffer): TarHeader {
  const stored = octal(block.subarray(148, 156), 'checksum');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  if (sum !== stored) throw new ArchiveRefused('a tar header\'s checksum does not match');
  const magic = block.subarray(257, 265).toString('latin1');
  const posix = magic === 'ustar\u000000';
  if (!posix && magic !== 'ustar  \u0000') throw new ArchiveRefused('the archive is not in the ustar or GNU tar format docker save writes');
  // GNU headers keep other fields there; in a POSIX one a prefix would make the readers' names differ.
  if (posix && block.subarray(345, 500).some((byte) => byte !== 0)) throw new ArchiveRefused('a tar header uses the name prefix field, which docker save never does');
  const type = String.fromCharCode(block[156] as number);
  if (!TYPES.has(type)) throw new ArchiveRefused(`the archive holds a tar entry of type ${JSON.stringify(type)}, which docker save never writes`);
  return { name: cleanPath(text(block.subarray(0, 100))), type, size: octal(block.subarray(124, 136), 'size') };
}

/** PAX keys that change which bytes or which path an entry has: the readers could disagree, so they are refused. */
const REFUSED_PAX = /^(path|linkpath|size|GNU\..*|SCHILY\.realsize|SCHILY\.dev.*)$/;

/** Checks a PAX extended header's records ("LENGTH KEY=VALUE\n", parsed by length as Go does). */
export function checkPax(data: Buffer): void {
  const malformed = (): never => {
    throw new ArchiveRefused('a PAX header record is malformed');
  };
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space < 0) malformed();
    const digits = data.subarray(offset, space).toString('latin1');
    if (!/^[1-9]\d{0,6}$/.test(digits)) malformed();
    const length = Number(digits);
    if (length <= space - offset + 1 || offset + length > data.length) malformed();
    const record = data.subarray(space + 1, offset + length);
    const equals = record.indexOf(0x3d);
    if (record[record.length - 1] !== 0x0a || equals < 0) malformed();
    const key = record.subarray(0, equals).toString('utf8');
    if (REFUSED_PAX.test(key)) throw new ArchiveRefused(`a PAX header sets ${key}, which docker save never does`);
    offset += length;
  }
}
