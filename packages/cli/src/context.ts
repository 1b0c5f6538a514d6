import { fstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { isatty } from 'node:tty';
import { Output } from './output.js';

/** Options every command accepts, before or after the subcommand. */
export interface GlobalOptions {
  dir?: string;
  json?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  caPassphraseFile?: string;
}

export const DEFAULT_STATE_DIR = '/etc/dockauth';

/** What a command needs to know about how it was run. */
export interface Context {
  /** The CA state directory: --dir, else DOCKAUTH_DIR, else /etc/dockauth. */
  dir: string;
  json: boolean;
  dryRun: boolean;
  /** A person is at the terminal and did not say -y: prompts are allowed. */
  interactive: boolean;
  out: Output;
  now: () => Date;
}

/**
 * isatty(3), cheaply: node:tty (loaded on first use in the bundle) and process.stdin take
 * milliseconds to load, and a descriptor that is not a character device (a pipe, a file:
 * every scripted run) is no terminal.
 */
function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return isatty(fd);
}

export function makeContext(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Context {
  const json = options.json ?? false;
  const interactive = !options.yes && !json && isTerminal(1) && isTerminal(0);
  return {
    dir: resolve(options.dir ?? env.DOCKAUTH_DIR ?? DEFAULT_STATE_DIR),
    json,
    dryRun: options.dryRun ?? false,
    interactive,
    out: new Output(json),
    now: () => new Date(),
  };
}
