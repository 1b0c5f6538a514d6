import { createRequire } from 'node:module';

/**
 * node:child_process, loaded when a command first runs a program: loading it (and
 * node:net with it) takes milliseconds that most commands never need.
 */
export function childProcess(): typeof import('node:child_process') {
  return createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
}
