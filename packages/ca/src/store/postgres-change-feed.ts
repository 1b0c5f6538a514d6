import pg from 'pg';
import { describeCause } from '../errors.js';
import type { CertificateRecord } from './certificate-record.js';
import { redactUrl, type InventoryConfig } from './inventory-config.js';
import { fromPgRow, poolConfig } from './postgres-inventory.js';
import { CHANGES_CHANNEL, assertSchemaCurrent } from './postgres-schema.js';

export interface ChangeFeedHandlers {
  /** Certificates that changed since the last call (all of them the first time), in change order. */
  changed(records: CertificateRecord[]): void;
  /** Each successful exchange with the database (a catch-up or a heartbeat). */
  contact(at: Date): void;
  /** The connection was lost (or could not be made); the feed retries by itself. */
  lost(reason: string): void;
}

export interface ChangeFeedOptions {
  /** How often an idle connection is checked (and changes polled, in case a notice was missed). */
  heartbeatMs?: number;
  /** Wait before reconnecting; doubles up to 8x while the database stays away. */
  retryMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Follows a shared inventory: LISTEN on the change channel, and on every notice
 * (or heartbeat) reads the certificates whose change number passed the last one
 * seen. Change numbers commit in order (postgres-schema.ts), so after a reconnect
 * "change_seq > last" catches up exactly on what was missed.
 */
export class InventoryChangeFeed {
  readonly where: string;
  private client: pg.Client | undefined;
  private lastSeq = 0n;
  private catchingUp: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly dropped = new WeakSet<pg.Client>();

  constructor(
    private readonly config: InventoryConfig,
    private readonly handlers: ChangeFeedHandlers,
    private readonly options: ChangeFeedOptions = {},
  ) {
    this.where = redactUrl(config.url);
  }

  /** Connects in the background; resolves after the first attempt, whatever its outcome. */
  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const heartbeatMs = this.options.heartbeatMs ?? 1000;
    const client = new pg.Client({ ...poolConfig(this.config, this.options.env), connectionTimeoutMillis: 5000, query_timeout: Math.max(heartbeatMs * 2, 2000), keepAlive: true });
    client.on('error', (error) => this.drop(client, describeCause(error)));
    client.on('end', () => this.drop(client, 'the connection was closed'));
    client.on('notification', () => void this.catchUp(client));
    try {
      await client.connect();
      await assertSchemaCurrent(client, this.where);
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (this.stopped) return void (await client.end().catch(() => undefined));
      this.client = client;
      // LISTEN before reading: a change committed in between is both read and announced.
      await this.catchUp(client);
      this.failures = 0;
      this.schedule(heartbeatMs, () => this.heartbeat(client));
    } catch (error) {
      this.drop(client, describeCause(error));
    }
  }

  private heartbeat(client: pg.Client): void {
    if (this.client !== client) return;
    void this.catchUp(client).then(() => this.schedule(this.options.heartbeatMs ?? 1000, () => this.heartbeat(client)));
  }

  /** One catch-up at a time; a notice arriving during one runs another after it. */
  private catchUp(client: pg.Client): Promise<void> {
    if (this.catchingUp) {
      this.again = true;
      return this.catchingUp;
    }
    this.catchingUp = (async () => {
      do {
        this.again = false;
        try {
          const result = await client.query('SELECT * FROM certificates WHERE change_seq > $1 ORDER BY change_seq', [this.lastSeq.toString()]);
          if (result.rows.length > 0) {
            this.lastSeq = BigInt(result.rows.at(-1).change_seq);
            this.handlers.changed(result.rows.map(fromPgRow));
          }
          this.handlers.contact(new Date());
        } catch (error) {
          this.drop(client, describeCause(error));
          return;
        }
      } while (this.again && this.client === client);
    })().finally(() => (this.catchingUp = undefined));
    return this.catchingUp;
  }

  private drop(client: pg.Client, reason: string): void {
    // Once per connection (an error is followed by an end), and never for a replaced one.
    if (this.dropped.has(client) || (this.client !== undefined && this.client !== client)) return;
    this.dropped.add(client);
    this.client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (this.stopped) return;
    this.failures++;
    this.handlers.lost(reason);
    const delay = (this.options.retryMs ?? 250) * Math.min(2 ** (this.failures - 1), 8);
    this.schedule(delay, () => void this.connect());
  }

  private schedule(ms: number, work: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(work, ms);
    this.timer.unref?.();
  }
}
