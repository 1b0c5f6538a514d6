'use strict';
/**
 * Runs the bundled CLI (dist/dockauth.cjs) from V8's code cache (dist/dockauth.<build>.cache),
 * which the build makes by running one command. For a short command, compiling the bundle
 * costs as much as the work; with the cache V8 deserializes the compiled code instead.
 * The cache is named after the bundle's build id (its first line); V8 itself rejects a
 * cache made by another Node or for other source, and the bundle then compiles as usual.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const BUNDLE = join(__dirname, 'dist', 'dockauth.cjs');

function cacheFileOf(source) {
  const build = /^\/\/ dockauth build ([0-9a-f]{16,64})\n/.exec(source);
  return build ? join(__dirname, 'dist', `dockauth.${build[1]}.cache`) : undefined;
}

/** Loads and runs the CLI on process.argv; with `writeCache`, saves the code cache when it is done. */
function runCli({ writeCache = false } = {}) {
  // The bundle is ASCII (the build checks): read as latin1, it skips UTF-8 decoding.
  const source = readFileSync(BUNDLE, 'latin1');
  const cacheFile = cacheFileOf(source);
  let cachedData;
  if (cacheFile !== undefined && !writeCache) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new Script(Module.wrap(source), { filename: BUNDLE, cachedData });
  // Code restored from a cache cannot import(): the bundle borrows this module's (src/import-esm.ts).
  globalThis[Symbol.for('dockauth.import')] = (specifier) => import(specifier);
  const bundle = { exports: {} };
  script.runInThisContext()(bundle.exports, Module.createRequire(BUNDLE), bundle, BUNDLE, dirname(BUNDLE));
  if (writeCache && cacheFile !== undefined) {
    // After the command ran, the cache holds what it compiled, not just the top level.
    process.once('beforeExit', () => writeFileSync(cacheFile, script.createCachedData()));
  }
}

module.exports = { runCli };
