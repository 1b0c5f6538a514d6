import { InputError } from '../errors.js';
import type { Issuer } from '../issue.js';
import type { RevocationReason } from '../revocation-reason.js';
import { normalizeSerial } from '../serial.js';
import { daysToMs } from '../validity.js';
import { writeFileAtomic } from './atomic-file.js';
import type { CertificateRecord } from './certificate-record.js';
import type { InventoryBackend, InventoryWrites } from './inventory-backend.js';

export interface Revocation {
  /** Records that went from valid to revoked in this call. */
  revoked: CertificateRecord[];
  crlPem: string | undefined;
}

/**
 * Revocation and the CRL: records are marked and the CRL re-signed in one
 * transaction, under the inventory's write lock, so two processes never publish
 * CRLs out of order.
 */
export class Revoker {
  constructor(
    private readonly inventory: InventoryBackend,
    private readonly issuer: () => Promise<Issuer>,
    private readonly where: { dir: string; crlPath: string },
    private readonly now: () => Date,
  ) {}

  /** Revokes one certificate by serial and publishes a new CRL. */
  async revoke(serial: string, reason: RevocationReason = 'unspecified'): Promise<Revocation> {
    const record = await this.inventory.find(normalizeSerial(serial));
    if (!record) {
      throw new InputError(`failed to revoke ${serial}: no certificate with that serial in ${this.where.dir}`, {
        hint: 'list serials with: dockauth user list',
      });
    }
    if (record.profile === 'ca') {
      throw new InputError(`failed to revoke ${serial}: it is the CA itself`, { hint: 'to replace the CA, run dockauth ca init --force' });
    }
    return this.revokeSerials([record.serial], reason);
  }

  /** Revokes the given serials (those still valid) under one lock, with one new CRL. */
  async revokeSerials(serials: readonly string[], reason: RevocationReason): Promise<Revocation> {
    if (serials.length === 0) return { revoked: [], crlPem: undefined };
    await this.issuer();
    return this.inventory.transaction(async (tx) => {
      const now = this.now();
      const revoked: CertificateRecord[] = [];
      for (const serial of serials) {
        if (await tx.markRevoked(serial, now, reason)) revoked.push((await tx.find(serial)) as CertificateRecord);
      }
      const crlPem = revoked.length > 0 ? await this.publishLocked(tx, now) : undefined;
      return { revoked, crlPem };
    });
  }

  /** Signs and writes a fresh CRL listing every revoked, unexpired certificate. */
  async publishCrl(): Promise<string> {
    await this.issuer();
    return this.inventory.transaction((tx) => this.publishLocked(tx, this.now()));
  }

  private async publishLocked(tx: InventoryWrites, now: Date, nextUpdateDays = 7): Promise<string> {
    const { buildCrl } = await import('../crl.js');
    const pem = await buildCrl(
      {
        entries: await tx.revokedUnexpired(now),
        crlNumber: await tx.nextCrlNumber(),
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + daysToMs(nextUpdateDays)),
      },
      await this.issuer(),
    );
    writeFileAtomic(this.where.crlPath, pem, 0o644);
    return pem;
  }
}
