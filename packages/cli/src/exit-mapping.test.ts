import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CommanderError } from 'commander';
import { InputError } from '@dockauth/ca';
import { INTERRUPTED_EXIT, errorOutcome } from './exit-mapping.js';

/** inquirer's own ExitPromptError class, as a Ctrl-C at a prompt rejects with it. */
async function realExitPromptError(): Promise<Error> {
  const require = createRequire(import.meta.url);
  const inquirerDir = dirname(require.resolve('inquirer/package.json'));
  const corePath = createRequire(`${inquirerDir}/`).resolve('@inquirer/core');
  const core = (await import(pathToFileURL(corePath).href)) as { ExitPromptError: new (message: string) => Error };
  return new core.ExitPromptError('User force closed the prompt with SIGINT');
}

describe('errorOutcome: what the entry point does with an error', () => {
  test('Ctrl-C at an inquirer prompt ends quietly with 130, not as a bug', async () => {
    expect(errorOutcome(await realExitPromptError())).toEqual({ kind: 'quiet', exitCode: INTERRUPTED_EXIT });
    expect(INTERRUPTED_EXIT).toBe(130);
  });

  test.each([
    ['help (code 0)', new CommanderError(0, 'commander.helpDisplayed', ''), { kind: 'quiet', exitCode: 0 }],
    ['bad usage', new CommanderError(1, 'commander.unknownOption', 'unknown option'), { kind: 'quiet', exitCode: 2 }],
    ['an input error', new InputError('failed to read --days: "x"', { hint: 'pass a number' }), { kind: 'dockauth', exitCode: 2, message: 'failed to read --days: "x"', hint: 'pass a number' }],
    ['a run-time error', Object.assign(new Error('failed to stop'), { exitCode: 1 }), { kind: 'dockauth', exitCode: 1, message: 'failed to stop', hint: undefined }],
    ['a bug', new TypeError('x is undefined'), { kind: 'bug', exitCode: 1, message: 'x is undefined' }],
    ['an error named like inquirer\'s but a plain object', { name: 'ExitPromptError', message: 'm' }, { kind: 'bug', exitCode: 1, message: 'm' }],
  ])('%s', (_name, error, expected) => {
    expect(errorOutcome(error)).toEqual(expected);
  });
});
