import { stderr as standardError, stdout as standardOutput, type TextSink } from './stdio.js';

/**
 * Where a command's words go: sentences for a person at stdout, or, with --json,
 * exactly one JSON object on stdout and nothing else there.
 */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: TextSink = standardOutput,
    private readonly stderr: TextSink = standardError,
  ) {}

  /** A line for a person; suppressed under --json. */
  say(text = ''): void {
    if (!this.json) this.stdout.write(`${text}\n`);
  }

  /** A warning goes to stderr in both modes, so JSON on stdout stays parseable. */
  warn(text: string): void {
    this.stderr.write(`dockauth: warning: ${text}\n`);
  }

  /** The command's result object, printed as one line of JSON under --json. */
  result(value: object): void {
    if (this.json) this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  error(message: string, hint?: string): void {
    this.stderr.write(`dockauth: error: ${message}\n`);
    if (hint) this.stderr.write(`  ${hint}\n`);
  }
}
