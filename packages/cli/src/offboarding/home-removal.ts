import { createPublicKey, X509Certificate } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateRecord } from '@dockauth/ca';
import type { RemoveChange } from '../apply/plan.js';
import { BUNDLE_FILES } from '../client-bundle.js';
import type { Account } from '../system/accounts.js';
import { readPlainFile } from '../system/regular-file.js';

/** What offboarding takes from a home: only files dockauth installed, checked by content; the rest is listed. */
export interface HomeRemoval {
  dir: string;
  changes: RemoveChange[];
  /** Entries of ~/.docker left in place, each with why. */
  left: Array<{ path: string; why: string }>;
}

function sameKey(keyPem: Buffer, certificatePem: string): boolean {
  try {
    const fromKey = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
    return fromKey.equals(new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' }));
  } catch {
    return false;
  }
}

/**
 * Plans the removal of what `user add` installed in ~user/.docker: cert.pem when its bytes are a
 * certificate the inventory holds for this user, ca.pem when it is the CA's certificate, key.pem
 * when it is the private key of that cert.pem and dockauth generated it (a CSR user's key is theirs).
 * Reads only; nothing is removed here.
 */
export function planHomeRemoval(account: Account, records: readonly CertificateRecord[], caPem: string): HomeRemoval {
  const dir = join(account.home, '.docker');
  const owner = { name: account.name, uid: account.uid, gid: account.gid };
  const removal: HomeRemoval = { dir, changes: [], left: [] };
  let stats;
  try {
    stats = lstatSync(dir);
  } catch {
    return removal;
  }
  if (!stats.isDirectory() || stats.uid !== account.uid) {
    removal.left.push({ path: dir, why: `not a directory owned by ${account.name}: nothing in it was touched` });
    return removal;
  }
  const certificatePath = join(dir, BUNDLE_FILES.certificate);
  const certificate = readPlainFile(certificatePath);
  const record = certificate && records.find((candidate) => candidate.user === account.name && Buffer.from(candidate.certificatePem).equals(certificate));
  const why = new Map<string, string>();
  if (certificate && record) removal.changes.push({ kind: 'remove', path: certificatePath, expected: certificate, owner });
  else if (certificate) why.set(BUNDLE_FILES.certificate, `not a certificate dockauth issued to ${account.name}`);
  const caPath = join(dir, BUNDLE_FILES.ca);
  const ca = readPlainFile(caPath);
  if (ca && ca.equals(Buffer.from(caPem))) removal.changes.push({ kind: 'remove', path: caPath, expected: ca, owner });
  else if (ca) why.set(BUNDLE_FILES.ca, 'not this CA\'s certificate');
  const keyPath = join(dir, BUNDLE_FILES.key);
  const key = readPlainFile(keyPath);
  if (key && record && record.origin !== 'csr' && sameKey(key, record.certificatePem)) removal.changes.push({ kind: 'remove', path: keyPath, expected: key, owner });
  else if (key) why.set(BUNDLE_FILES.key, record?.origin === 'csr' ? `${account.name}'s own key (they sent a CSR)` : 'not the key of a certificate dockauth installed');
  const removed = new Set(removal.changes.map((change) => change.path));
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (!removed.has(path)) removal.left.push({ path, why: why.get(name) ?? 'not installed by dockauth' });
  }
  return removal;
}
