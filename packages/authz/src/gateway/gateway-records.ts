import { readFile, stat } from 'node:fs/promises';
import { OwnerRecords, type OwnedKind, type OwnerJournal, type OwnerRecord } from '../engine/owner-records.js';
import { parseOwnerJournal } from '../owner-journal.js';

/** The plugin's journal as read at one moment: never written from here (the plugin owns the file). */
class Snapshot implements OwnerJournal {
  constructor(private readonly records: OwnerRecord[]) {}
  load(): OwnerRecord[] {
    return this.records;
  }
  append(): void {}
  rewrite(): void {}
}

/**
 * Who made what, as the gateway knows it: what it saw made itself (in memory), then what
 * the plugin behind it recorded for the same dockerd (its journal, re-read within a second
 * of a change), so objects made before the gateway, or straight through dockerd's own
 * listener, are still their makers'.
 */
export class GatewayOwnerRecords extends OwnerRecords {
  private followed = new OwnerRecords();
  private seen = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pluginJournal: string | undefined) {
    super();
  }

  override ownerOf(kind: OwnedKind, key: string): string | undefined {
    return super.ownerOf(kind, key) ?? this.followed.ownerOf(kind, key);
  }

  /** Reads the plugin's journal now, then follows it once a second until stopped. */
  async follow(log: (line: string) => void): Promise<void> {
    await this.refresh(log);
    this.timer = setInterval(() => void this.refresh(log), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async refresh(log: (line: string) => void): Promise<void> {
    if (this.pluginJournal === undefined) return;
    try {
      const status = await stat(this.pluginJournal);
      const version = `${status.ino}:${status.size}:${status.mtimeMs}`;
      if (version === this.seen) return;
      this.followed = new OwnerRecords(new Snapshot(parseOwnerJournal(await readFile(this.pluginJournal, 'utf8'))));
      this.seen = version;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      log(`failed to read the plugin's ownership records ${this.pluginJournal}: ${(error as Error).message}`);
    }
  }
}
