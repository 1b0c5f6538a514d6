import { readFile, stat } from 'node:fs/promises';

/**
 * Calls `changed` with a file's new contents whenever it changes (checked once a second,
 * asynchronously): certificates renewed in place are picked up without a restart. Returns
 * the function that stops watching.
 */
export function pollFile(path: string, changed: (contents: Buffer) => void, log: (line: string) => void): () => void {
  let seen = '';
  let failing = false;
  const check = async (): Promise<void> => {
    try {
      const status = await stat(path);
      const version = `${status.ino}:${status.size}:${status.mtimeMs}`;
      if (version === seen) return;
      const contents = await readFile(path);
      if (seen !== '') changed(contents);
      seen = version;
      failing = false;
    } catch (error) {
      if (!failing) log(`failed to read ${path}: ${(error as Error).message} (the last one read stays in use)`);
      failing = true;
    }
  };
  void check();
  const timer = setInterval(() => void check(), 1000);
  timer.unref();
  return () => clearInterval(timer);
}
