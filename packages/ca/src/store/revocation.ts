import { InputError } from '../errors.js';
import type { Issuer } from '../issue.js';
import type { RevocationReason } from '../revocation-reason.js';
import { normalizeSerial } from '../serial.js';
import { daysToMs } from '../validity.js';
import { writeFileAtomic } from './atomic-file.js';
import type { CertificateRecord } from './certificate-record.js';
import type { Inventory } from './inventory.js';

export interface Revocation {
  /** Records that went from valid to revoked in this call. */
  revoked: CertificateRecord[];
  crlPem: string | undefined;
}

/**
 * Revocation and the CRL: records are marked and the CRL re-signed under one
 * write lock, so two processes never publish CRLs out of order.
 */
export class Revoker {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly inventory: Inventory,
    private readonly issuer: () => Promise<Issuer>,
    private readonly where: { dir: string; crlPath: string },
    private readonly now: () => Date,
  ) {}

  /** Runs store operations of this process one after another (the lock does not nest). */
  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Revokes one certificate by serial and publishes a new CRL. */
  async revoke(serial: string, reason: RevocationReason = 'unspecified'): Promise<Revocation> {
    const record = this.inventory.find(normalizeSerial(serial));
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
    return this.serialize(() =>
      this.inventory.withWriteLock(async () => {
        const now = this.now();
        const revoked = serials
          .filter((serial) => this.inventory.markRevoked(serial, now, reason))
          .map((serial) => this.inventory.find(serial) as CertificateRecord);
        const crlPem = revoked.length > 0 ? await this.publishLocked(now) : undefined;
        return { revoked, crlPem };
      }),
    );
  }

  /** Signs and writes a fresh CRL listing every revoked, unexpired certificate. */
  async publishCrl(): Promise<string> {
    await this.issuer();
    return this.serialize(() => this.inventory.withWriteLock(() => this.publishLocked(this.now())));
  }

  private async publishLocked(now: Date, nextUpdateDays = 7): Promise<string> {
    const { buildCrl } = await import('../crl.js');
    const pem = await buildCrl(
      {
        entries: this.inventory.revokedUnexpired(now),
        crlNumber: this.inventory.nextCrlNumber(),
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + daysToMs(nextUpdateDays)),
      },
      await this.issuer(),
    );
    writeFileAtomic(this.where.crlPath, pem, 0o644);
    return pem;
  }
}
