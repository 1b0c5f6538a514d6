import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { InputError } from '@dockauth/ca';

/**
 * Reads a regular file without following a link at its name or blocking on a
 * planted FIFO; anything else (or more than `maxBytes`) is an InputError.
 */
export function readRegularFile(path: string, maxBytes = Number.POSITIVE_INFINITY): { content: Buffer; stats: Stats } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new InputError(`failed to read ${path}: it exists and is not a regular file`);
    if (stats.size > maxBytes) throw new InputError(`failed to read ${path}: it is larger than ${maxBytes} bytes`);
    return { content: readFileSync(fd), stats };
  } finally {
    closeSync(fd);
  }
}

/** The same, for files that may be absent or anything else: their content, or undefined. */
export function readPlainFile(path: string): Buffer | undefined {
  try {
    return readRegularFile(path, 1024 * 1024).content;
  } catch {
    return undefined;
  }
}
