import { removeLiveTemporaries } from '@dockauth/ca';

/**
 * Ctrl-C and SIGTERM: outside a critical stretch the command stops at once; inside
 * one (recording certificates and installing them), it stops right after, so the
 * inventory and the installed files never disagree. Either way every temporary
 * file this process made is removed first, and the exit is quiet: 130 for SIGINT,
 * 143 for SIGTERM, as a shell reports a command killed by them.
 */
let depth = 0;
let pending: NodeJS.Signals | undefined;
let installed = false;

const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function stop(signal: NodeJS.Signals): never {
  removeLiveTemporaries();
  process.exit(EXIT_CODES[signal] ?? 1);
}

function onSignal(signal: NodeJS.Signals): void {
  // A command with its own handling (authz serve shuts down cleanly) keeps it.
  if (process.listenerCount(signal) > 1) return;
  if (depth > 0) {
    pending = signal;
    return;
  }
  stop(signal);
}

export function installInterruptHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of Object.keys(EXIT_CODES) as NodeJS.Signals[]) process.on(signal, onSignal);
}

/** Runs `work` to its end even if a signal arrives meanwhile; the signal is honoured after. */
export async function uninterrupted<T>(work: () => Promise<T>): Promise<T> {
  depth++;
  try {
    return await work();
  } finally {
    // A signal that came during a synchronous stretch is delivered on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    depth--;
    if (depth === 0 && pending) stop(pending);
  }
}

/**
 * A failpoint for the crash-consistency tests: with DOCKAUTH_TEST_CRASH_AT=NAME in
 * the environment, the process SIGKILLs itself on reaching the point NAME, leaving
 * what a power cut there would leave. Without it, nothing happens.
 */
export function crashPoint(name: string): void {
  if (process.env.DOCKAUTH_TEST_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}

/** Resolves at the first SIGTERM or SIGINT: how the long-running services (plugin, gateway, ca serve) are stopped. */
export function untilStopped(): Promise<void> {
  return new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      done();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
