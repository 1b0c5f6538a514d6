import { writeSync } from 'node:fs';

/** Where text is written: Output, commander and the commands take these. */
export interface TextSink {
  write(text: string): void;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes to a standard descriptor with write(2): creating process.stdout (a stream, and
 * for a pipe a socket) costs milliseconds of start-up, and a command prints little.
 * A reader that went away (`dockauth user list --json | head`) is not a failure: the
 * process stops quietly with the exit code it had so far.
 */
function writeAll(fd: 1 | 2, text: string): void {
  const data = Buffer.from(text);
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
      if (code !== 'EAGAIN') throw error;
      // A non-blocking pipe that is full: give the reader a millisecond.
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

export const stdout: TextSink = { write: (text) => writeAll(1, text) };
export const stderr: TextSink = { write: (text) => writeAll(2, text) };
