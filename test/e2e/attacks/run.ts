import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** How a command exited, and what it printed. */
export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export const hex = (bytes = 3): string => randomBytes(bytes).toString('hex');

/**
 * Runs a command (argv, or a login shell of a user when `user` is given) without blocking the
 * event loop — the listeners this suite runs live in this process — killed by its process group
 * after `timeoutMs`.
 */
export function runAsync(command: string, args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // gone
      }
    }, options.timeoutMs ?? 90_000);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', () => undefined);
    child.on('error', () => undefined);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout: Buffer.concat(out).toString('utf8').trim(), stderr: Buffer.concat(err).toString('utf8').trim() });
    });
    child.stdin.end(options.input ?? '');
  });
}
