import { CommanderError } from 'commander';
import { buildProgram, type CommandResult } from './cli.js';
import type { Context } from './context.js';
import { Output } from './output.js';

interface ExitingError {
  message: string;
  exitCode: 1 | 2;
  hint?: string;
}

function isDockauthError(error: unknown): error is ExitingError {
  const code = (error as { exitCode?: unknown } | null)?.exitCode;
  return error instanceof Error && (code === 1 || code === 2) && !(error instanceof CommanderError);
}

/** Runs the command line; returns the exit code (0 done, 1 failed at run time, 2 bad usage or input). */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  let context: Context | undefined;
  const json = argv.includes('--json');
  const program = buildProgram((ran, result: CommandResult) => {
    context = ran;
    ran.out.result(result);
    if (result.ok === false) exitCode = 1;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    const out = context?.out ?? new Output(json);
    if (error instanceof CommanderError) {
      // Help and --version end with code 0; every other commander error is bad usage.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (isDockauthError(error)) {
      out.error(error.message, error.hint);
      out.result({ changed: false, error: error.message, hint: error.hint ?? null, exitCode: error.exitCode });
      if (process.env.DOCKAUTH_DEBUG === '1') console.error(error);
      return error.exitCode;
    }
    out.error(`unexpected failure (this is a bug in dockauth): ${(error as Error)?.message ?? String(error)}`,
      'run again with DOCKAUTH_DEBUG=1 for the stack trace and report it');
    out.result({ changed: false, error: String((error as Error)?.message ?? error), exitCode: 1 });
    if (process.env.DOCKAUTH_DEBUG === '1') console.error(error);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
