import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, unlinkSync } from 'node:fs';
import { DOCKAUTH_BIN } from './dockauth.js';

/**
 * systemd's part of socket activation, for tests on hosts without systemd: a unix stream socket
 * bound at `path` (0600) whose file descriptor this process holds, as systemd holds a socket unit's,
 * and never accepts on — the plugin started with it accepts. The first plugin's listen() makes it
 * listening; from then on it stays so while this process holds it, and connections made while no
 * plugin runs wait in its queue.
 *
 * Node has no public way to hold a socket without accepting on it, hence libuv's pipe binding.
 */
export function heldSocket(path: string): { fd: number; close(): void } {
  if (existsSync(path)) unlinkSync(path);
  const { Pipe, constants } = (process as unknown as { binding(name: string): any }).binding('pipe_wrap');
  const handle = new Pipe(constants.SERVER);
  const error = handle.bind(path) as number;
  if (error !== 0) throw new Error(`failed to bind ${path} (libuv error ${error})`);
  chmodSync(path, 0o600);
  const fd = handle.fd as number;
  return {
    fd,
    close: () => {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      if (existsSync(path)) unlinkSync(path);
    },
  };
}

/**
 * `dockauth …args` started as systemd starts a socket-activated service: the socket as fd 3,
 * LISTEN_FDS=1 and LISTEN_PID set to the plugin's own pid (a shell that sets it to $$ and execs).
 * stdout and stderr go to `output` (a file descriptor), or are piped when it is undefined.
 */
export function spawnActivated(fd: number, args: string[], options: { output?: number; env?: NodeJS.ProcessEnv; detached?: boolean } = {}): ChildProcess {
  const out = options.output ?? 'pipe';
  return spawn('/bin/sh', ['-c', 'export LISTEN_FDS=1 LISTEN_PID=$$; exec "$0" "$@"', process.execPath, DOCKAUTH_BIN, ...args], {
    stdio: ['ignore', out, out, fd],
    env: { ...process.env, DOCKAUTH_DIR: undefined, ...options.env },
    detached: options.detached ?? false,
  });
}

/** Resolves with the plugin's stderr once it says it is listening (its stderr piped); rejects if it exits first. */
export function untilListening(child: ChildProcess, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`the plugin did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('listening on')) {
        clearTimeout(timer);
        resolve(stderr);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the plugin exited (${code ?? signal}) before listening: ${stderr}`));
    });
  });
}

/** Resolves with the exit code once the process has exited and its output is read. */
export function closed(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}
