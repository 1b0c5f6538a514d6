import { buildProgram, type CommandResult } from './cli.js';
import type { Context } from './context.js';
import { errorOutcome } from './exit-mapping.js';
import { installInterruptHandlers } from './interruption.js';
import { Output } from './output.js';

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
    const outcome = errorOutcome(error);
    if (outcome.kind === 'quiet') return outcome.exitCode;
    const out = context?.out ?? new Output(json);
    if (outcome.kind === 'dockauth') {
      out.error(outcome.message, outcome.hint);
      out.result({ changed: false, error: outcome.message, hint: outcome.hint ?? null, exitCode: outcome.exitCode });
    } else {
      out.error(`unexpected failure (this is a bug in dockauth): ${outcome.message}`, 'run again with DOCKAUTH_DEBUG=1 for the stack trace and report it');
      out.result({ changed: false, error: outcome.message, exitCode: 1 });
    }
    if (process.env.DOCKAUTH_DEBUG === '1') console.error(error);
    return outcome.exitCode;
  }
}

installInterruptHandlers();
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
