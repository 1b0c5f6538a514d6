import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const DOCKAUTH_BIN = fileURLToPath(new URL('../../packages/cli/bin/dockauth.js', import.meta.url));

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when the command was run with --json. */
  json: Record<string, any>;
}

function finish(status: number | null, stdout: string, stderr: string): RunResult {
  let json: Record<string, any> = {};
  try {
    json = JSON.parse(stdout);
  } catch {
    // not a --json run
  }
  return { status: status ?? -1, stdout, stderr, json };
}

/** Runs the built dockauth command as a user would, with no terminal on stdin. */
export function dockauth(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): RunResult {
  const result = spawnSync(process.execPath, [DOCKAUTH_BIN, ...args], {
    encoding: 'utf8',
    input: options.input ?? '',
    env: { ...process.env, DOCKAUTH_DIR: undefined, ...options.env },
  });
  return finish(result.status, result.stdout, result.stderr);
}

/** The same, asynchronously, for runs in parallel. */
export function dockauthAsync(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DOCKAUTH_BIN, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve(finish(status, stdout, stderr)));
  });
}
