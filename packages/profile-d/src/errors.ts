/**
 * Bad input to a generator (a malformed /etc/subuid line, no room left): the CLI
 * ends with exit code 2 and changes nothing. profile-d depends on no other
 * package, so it carries its own error with the same `exitCode`/`hint` shape.
 */
export class GeneratorInputError extends Error {
  readonly exitCode = 2 as const;
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'GeneratorInputError';
    this.hint = hint;
  }
}
