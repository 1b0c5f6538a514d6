'use strict';
/**
 * Runs the bundled CLI (dist/dockauth.cjs) from V8's code cache (dist/dockauth.<build>.cache),
 * which the build makes by running one command. For a short command, compiling the bundle
 * costs as much as the work; with the cache V8 deserializes the compiled code instead.
 * The cache is named after the bundle's build id (its first line); V8 itself rejects a
 * cache made by another Node or for other source, and the bundle then compiles as usual.
 * The single executable (sea-main.cjs) runs the same bundle and cache through runBundle.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const BUNDLE = join(__dirname, 'dist', 'dockauth.cjs');

/** The build id on the bundle's first line, which names its code cache. */
function buildIdOf(source) {
  return /^\/\/ dockauth build ([0-9a-f]{16,64})\n/.exec(source)?.[1];
}

/**
 * Compiles the bundle (from cachedData when V8 accepts it) and runs it as a CommonJS module
 * named `filename`, with `require` for its own requires and `importEsm` for import().
 * Returns the compiled script, whose createCachedData() is the cache.
 */
function runBundle({ source, cachedData, filename, require, importEsm }) {
  const script = new Script(Module.wrap(source), { filename, cachedData });
  // Code restored from a cache cannot import(): the bundle borrows the launcher's (src/import-esm.ts).
  globalThis[Symbol.for('dockauth.import')] = importEsm;
  const bundle = { exports: {} };
  script.runInThisContext()(bundle.exports, require, bundle, filename, dirname(filename));
  return script;
}

/** Loads and runs the CLI on process.argv; with `writeCache`, saves the code cache when it is done. */
function runCli({ writeCache = false } = {}) {
  // The bundle is ASCII (the build checks): read as latin1, it skips UTF-8 decoding.
  const source = readFileSync(BUNDLE, 'latin1');
  const buildId = buildIdOf(source);
  const cacheFile = buildId === undefined ? undefined : join(__dirname, 'dist', `dockauth.${buildId}.cache`);
  let cachedData;
  if (cacheFile !== undefined && !writeCache) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = runBundle({ source, cachedData, filename: BUNDLE, require: Module.createRequire(BUNDLE), importEsm: (specifier) => import(specifier) });
  if (writeCache && cacheFile !== undefined) {
    // After the command ran, the cache holds what it compiled, not just the top level.
    process.once('beforeExit', () => writeFileSync(cacheFile, script.createCachedData()));
  }
}

module.exports = { runCli, runBundle, buildIdOf };
