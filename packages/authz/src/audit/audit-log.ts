import { closeSync, fstatSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Decision } from '../engine/decide.js';

/** One audit record: a JSON line per decision for a TLS user. */
export function auditRecord(decision: Decision, time: Date): string {
  return `${JSON.stringify({
    time: time.toISOString(),
    id: decision.id,
    user: decision.user,
    serial: decision.serial,
    method: decision.method,
    endpoint: decision.endpoint,
    action: decision.action,
    decision: decision.allow ? 'allow' : 'deny',
    reason: decision.allow ? decision.rule : decision.message,
    rule: decision.rule,
    policy: decision.policySha256,
    decided_by: decision.decidedBy ?? 'plugin',
    ...(decision.via ? { via: decision.via } : {}),
    ...(decision.filled?.length ? { filled: decision.filled } : {}),
  })}\n`;
}

/**
 * Appends records to a file (and/or stdout, for journald). Rotation-safe: when
 * logrotate moves the file away, the next write (checked at most once a second)
 * reopens the path. A write that fails throws, so the caller can deny.
 */
export class AuditLog {
  private fd: number | undefined;
  private inode = 0;
  private checkedAt = 0;
  private batch: { lines: string[]; settle: Array<(error?: Error) => void> } | undefined;

  constructor(
    private readonly path: string | undefined,
    private readonly toStdout: boolean,
  ) {}

  open(): void {
    if (this.path === undefined) return;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o750 });
    this.fd = openSync(this.path, 'a', 0o640);
    this.inode = fstatSync(this.fd).ino;
    this.checkedAt = Date.now();
  }

  write(line: string): void {
    if (this.toStdout) process.stdout.write(line);
    if (this.path === undefined) return;
    if (this.fd === undefined || Date.now() - this.checkedAt > 1000) this.reopenIfMoved();
    writeSync(this.fd as number, line);
  }

  /**
   * Appends a record with the others decided in the same turn of the event loop, in one
   * write; resolves once it is written, rejects if it could not be (so the caller can deny).
   */
  append(line: string): Promise<void> {
    if (!this.batch) {
      this.batch = { lines: [], settle: [] };
      setImmediate(() => this.flush());
    }
    const batch = this.batch;
    batch.lines.push(line);
    return new Promise((resolve, reject) => batch.settle.push((error) => (error ? reject(error) : resolve())));
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = undefined;
    if (!batch) return;
    let failure: Error | undefined;
    try {
      this.write(batch.lines.join(''));
    } catch (error) {
      failure = error as Error;
    }
    for (const settle of batch.settle) settle(failure);
  }

  reopen(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.open();
  }

  private reopenIfMoved(): void {
    this.checkedAt = Date.now();
    let current: number | undefined;
    try {
      current = statSync(this.path as string).ino;
    } catch {
      current = undefined;
    }
    if (this.fd === undefined || current !== this.inode) this.reopen();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
