/**
 * import() for the one ES-module-only dependency (inquirer). The CLI runs as a CommonJS
 * bundle compiled from V8's code cache (launcher.cjs), where V8 has no import() callback
 * for code restored from the cache: the launcher, an ordinary module, lends its own.
 */
const LAUNCHER_IMPORT = Symbol.for('dockauth.import');

type Importer = (specifier: string) => Promise<unknown>;

export function importEsm<T>(specifier: string): Promise<T> {
  const launcherImport = (globalThis as Record<symbol, Importer | undefined>)[LAUNCHER_IMPORT];
  return (launcherImport ? launcherImport(specifier) : import(specifier)) as Promise<T>;
}
