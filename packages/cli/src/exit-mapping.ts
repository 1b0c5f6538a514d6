import { CommanderError } from 'commander';

/** How the entry point ends on an error: the exit code and what (if anything) to say. */
export type ErrorOutcome =
  | { kind: 'quiet'; exitCode: number }
  | { kind: 'dockauth'; exitCode: 1 | 2; message: string; hint?: string }
  | { kind: 'bug'; exitCode: 1; message: string };

/** 128 + SIGINT, as a shell reports a command ended by Ctrl-C. */
export const INTERRUPTED_EXIT = 130;

function isDockauthError(error: unknown): error is Error & { exitCode: 1 | 2; hint?: string } {
  const code = (error as { exitCode?: unknown } | null)?.exitCode;
  return error instanceof Error && (code === 1 || code === 2) && !(error instanceof CommanderError);
}

/**
 * Ctrl-C at an inquirer prompt: inquirer (@inquirer/core) rejects the prompt with an
 * ExitPromptError ("User force closed the prompt with SIGINT"). Matched by name, as
 * inquirer is loaded lazily and its classes are not ours to import here.
 */
export function isPromptInterrupted(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExitPromptError';
}

/** Maps what a command threw to an exit code: 0/2 for commander, 130 for Ctrl-C, 1/2 for ours, 1 for a bug. */
export function errorOutcome(error: unknown): ErrorOutcome {
  if (error instanceof CommanderError) {
    // Help and --version end with code 0; every other commander error is bad usage.
    return { kind: 'quiet', exitCode: error.exitCode === 0 ? 0 : 2 };
  }
  if (isPromptInterrupted(error)) return { kind: 'quiet', exitCode: INTERRUPTED_EXIT };
  if (isDockauthError(error)) return { kind: 'dockauth', exitCode: error.exitCode, message: error.message, hint: error.hint };
  return { kind: 'bug', exitCode: 1, message: (error as Error)?.message ?? String(error) };
}
