/**
 * Library errors carry the exit code the CLI should use, so only the CLI entry
 * point decides how a failure ends, and every package can be checked the same way
 * (`error.exitCode`) without importing another's classes.
 */
export abstract class DockauthError extends Error {
  abstract readonly exitCode: 1 | 2;
  /** The next thing the user should do, shown after the message. */
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad usage or bad input: nothing was changed (exit 2). */
export class InputError extends DockauthError {
  readonly exitCode = 2 as const;
}

/** The input was fine but the work failed at run time (exit 1). */
export class OperationError extends DockauthError {
  readonly exitCode = 1 as const;
}

export function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
