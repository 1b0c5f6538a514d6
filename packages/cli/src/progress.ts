/** A one-line progress bar on stderr, drawn only for a person at a terminal. */
export class Progress {
  private done = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly total: number,
    private readonly label: string,
    options: { json: boolean; stream?: NodeJS.WriteStream },
  ) {
    this.stream = options.stream ?? process.stderr;
    this.enabled = !options.json && Boolean(this.stream.isTTY) && total > 1;
  }

  private readonly stream: NodeJS.WriteStream;

  tick(): void {
    this.done++;
    if (!this.enabled) return;
    if (this.done !== this.total && this.done % Math.max(1, Math.floor(this.total / 200)) !== 0) return;
    const width = 30;
    const filled = Math.round((this.done / this.total) * width);
    this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${this.label}`);
  }

  finish(): void {
    if (this.enabled) this.stream.write('\n');
  }
}
