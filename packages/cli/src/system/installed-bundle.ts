import { createPublicKey, X509Certificate } from 'node:crypto';
import { readPlainFile } from './regular-file.js';

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
