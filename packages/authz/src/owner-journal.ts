import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OwnerJournal, OwnerRecord } from './engine/owner-records.js';

/** The journal's lines; a line cut short by a crash (or still being written) is skipped. */
export function parseOwnerJournal(text: string): OwnerRecord[] {
  const records: OwnerRecord[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      records.push(JSON.parse(line) as OwnerRecord);
    } catch {
      // cut short
    }
  }
  return records;
}

/**
 * The ownership records in an append-only file beside dockerd's own state, so they outlive
 * plugin restarts: one JSON line per record, compacted when loaded. A line cut short by a
 * crash is skipped; what came before it still counts.
 */
export class OwnerJournalFile implements OwnerJournal {
  constructor(private readonly path: string) {}

  load(): OwnerRecord[] {
    let text = '';
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`failed to read the ownership records ${this.path}: ${(error as Error).message}`);
    }
    return parseOwnerJournal(text);
  }

  append(record: OwnerRecord): void {
    appendFileSync(this.path, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  }

  /** Replaces the file with just the records still in force (written aside, synced, renamed over). */
  rewrite(records: readonly OwnerRecord[]): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
  }
}
