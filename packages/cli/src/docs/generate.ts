/**
 * The man page dockauth(8) and the bash and zsh completions, generated from the command
 * definitions themselves (the commander program buildProgram() returns) and from the
 * comments of templates/policy.yaml, so neither can drift from what dockauth accepts.
 * Pure: a program and the template's text in, the files' text out (scripts/gen-docs.mjs
 * writes them; docs.test.ts checks the committed ones equal what this makes now).
 */
import type { Command } from 'commander';
import { bashCompletion } from './bash-completion.js';
import { manPage } from './man-page.js';
import { zshCompletion } from './zsh-completion.js';

export { allCommands, commandPath } from './command-tree.js';
export { policyEntries } from './man-page.js';

/** The generated files, by path from the repository's root. */
export interface GeneratedDocs {
  'docs/dockauth.8': string;
  'completions/dockauth.bash': string;
  'completions/_dockauth': string;
}

export function generateDocs(program: Command, policyTemplate: string): GeneratedDocs {
  return {
    'docs/dockauth.8': manPage(program, policyTemplate),
    'completions/dockauth.bash': bashCompletion(program),
    'completions/_dockauth': zshCompletion(program),
  };
}
