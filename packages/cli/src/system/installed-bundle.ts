import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { createPublicKey, X509Certificate } from 'node:crypto';

/** Reads a small regular file without following links or blocking; undefined if it is not one. */
export function readPlainFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > 1024 * 1024) return undefined;
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The three files of an installed certificate: our CA, the certificate, its key. */
export interface InstalledPaths {
  ca: string;
  certificate: string;
  key: string;
}

/**
 * Whether the files at `paths` are exactly this certificate, our CA, and the
 * certificate's own private key (so what is installed works as it is).
 */
export function certificateIsInstalled(paths: InstalledPaths, caPem: string, certificatePem: string): boolean {
  const ca = readPlainFile(paths.ca);
  const certificate = readPlainFile(paths.certificate);
  const key = readPlainFile(paths.key);
  if (!ca || !certificate || !key) return false;
  if (ca.toString() !== caPem || certificate.toString() !== certificatePem) return false;
  try {
    const fromKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
    const fromCertificate = new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' });
    return fromKey.equals(fromCertificate);
  } catch {
    return false;
  }
}
