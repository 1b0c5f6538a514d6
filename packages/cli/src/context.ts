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

export function makeContext(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Context {
  const json = options.json ?? false;
  // isatty(0), not process.stdin.isTTY: creating the stdin stream costs start-up time.
  const interactive = !options.yes && !json && isatty(0) && isatty(1);
  return {
    dir: resolve(options.dir ?? env.DOCKAUTH_DIR ?? DEFAULT_STATE_DIR),
    json,
    dryRun: options.dryRun ?? false,
    interactive,
    out: new Output(json),
    now: () => new Date(),
  };
}
