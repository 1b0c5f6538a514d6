import { InputError } from '@dockauth/ca';
import type { Context } from './context.js';
import { importEsm } from './import-esm.js';

export interface Question {
  /** What is missing, as a flag the user could have passed ("--cn NAME"). */
  flag: string;
  message: string;
  default?: string;
  validate?: (answer: string) => true | string;
}

/**
 * Asks a person for a missing value; without a terminal (or with -y) it never
 * waits, and the error names the flag to pass instead.
 */
export async function ask(context: Context, question: Question): Promise<string> {
  if (!context.interactive) {
    if (question.default !== undefined) return question.default;
    throw new InputError(`missing ${question.flag}`, { hint: `pass ${question.flag} (no terminal to ask at)` });
  }
  // inquirer is ESM-only and heavy: loaded only when a prompt really happens.
  const { default: inquirer } = await importEsm<typeof import('inquirer')>('inquirer');
  const answers = await inquirer.prompt([
    { type: 'input', name: 'value', message: question.message, default: question.default, validate: question.validate },
  ]);
  return String(answers.value).trim();
}
