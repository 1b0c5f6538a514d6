import { followInventory, redactUrl, type CertificateRecord, type InventoryChangeFeed, type InventoryConfig } from '@dockauth/ca';
import type { CertificateStatusSource, StatusHealth, StatusSourceOptions } from './certificate-status-source.js';

/**
 * A shared inventory held in memory: every certificate, updated from the
 * database's change notices (LISTEN/NOTIFY) and caught up from the change
 * sequence after any reconnect. While the database is away, decisions go on from
 * memory for the policy's grace period, then every TLS user is denied (fail
 * closed) until it is back — with no restart.
 */
export class LiveInventoryMirror implements CertificateStatusSource {
  private readonly records = new Map<string, CertificateRecord>();
  private feed: InventoryChangeFeed | undefined;
  private lastContact: Date | null = null;
  private lostSince: Date | undefined;
  private lostReason: string | undefined;
  private failingClosed = false;
  private changes = 0;

  private constructor(
    readonly where: string,
    private readonly options: StatusSourceOptions,
  ) {}

  static async start(config: InventoryConfig, options: StatusSourceOptions): Promise<LiveInventoryMirror> {
    const mirror = new LiveInventoryMirror(redactUrl(config.url), options);
    mirror.lostSince = mirror.now(); // nothing known until the first catch-up
    mirror.lostReason = 'not connected yet';
    mirror.feed = await followInventory(
      config,
      {
        changed: (records) => {
          for (const record of records) mirror.records.set(record.serial, record);
          mirror.changes++;
        },
        contact: (at) => mirror.contact(at),
        lost: (reason) => mirror.lost(reason),
      },
      { heartbeatMs: options.heartbeatMs, retryMs: options.retryMs },
    );
    return mirror;
  }

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }

  private contact(at: Date): void {
    if (this.lostSince && this.lastContact) {
      const seconds = ((at.getTime() - this.lostSince.getTime()) / 1000).toFixed(1);
      this.options.log(`inventory ${this.where} is back after ${seconds}s; caught up (${this.records.size} certificates), deciding normally`);
    } else if (!this.lastContact) {
      this.options.log(`inventory ${this.where}: ${this.records.size} certificates in memory, following changes`);
    }
    this.lastContact = at;
    this.lostSince = undefined;
    this.lostReason = undefined;
    this.failingClosed = false;
  }

  private lost(reason: string): void {
    if (this.lostSince && this.lastContact) return; // the same outage, another failed retry
    this.lostSince = this.lastContact ? this.now() : this.lostSince;
    this.lostReason = reason;
    if (this.lastContact) {
      this.options.log(`lost the inventory ${this.where} (${reason}): deciding from the ${this.records.size} certificates in memory for the policy's grace period, retrying`);
    } else {
      this.options.log(`cannot reach the inventory ${this.where} (${reason}): TLS users are denied until it answers; retrying`);
    }
  }

  /** A revocation counts from the next request, whatever verdicts were cached. */
  generation(): number {
    return this.changes;
  }

  find(serial: string): CertificateRecord | undefined {
    return this.records.get(serial);
  }

  unavailable(graceMs: number, now: Date): string | undefined {
    if (!this.lostSince) return undefined;
    if (!this.lastContact) return `the certificate inventory ${this.where} has not been reached yet (${this.lostReason}), so no certificate can be checked: tell your administrator`;
    const awayMs = now.getTime() - this.lostSince.getTime();
    if (awayMs < graceMs) return undefined;
    if (!this.failingClosed) {
      this.failingClosed = true;
      this.options.log(`the inventory ${this.where} has been unreachable for ${Math.round(awayMs / 1000)}s (grace ${graceMs / 1000}s): denying TLS users until it is back`);
    }
    return `the certificate inventory ${this.where} has been unreachable for ${Math.round(awayMs / 1000)}s, so revocations cannot be known: denied until it is back (tell your administrator)`;
  }

  health(): StatusHealth {
    return {
      backend: 'postgres',
      where: this.where,
      current: this.lostSince === undefined,
      lastContact: this.lastContact,
      ...(this.lostSince ? { lostSince: this.lostSince, lostReason: this.lostReason } : {}),
      certificates: this.records.size,
    };
  }

  async close(): Promise<void> {
    await this.feed?.close();
  }
}
