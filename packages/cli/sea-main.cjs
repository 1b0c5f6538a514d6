'use strict';
/**
 * The entry of the single executable (build-sea.mjs bundles it): the CLI's bundle, its code
 * cache and the modules it loads on demand are assets inside the executable, so a host needs
 * nothing but the file. Only SQLite's compiled module cannot be loaded from memory: it lives
 * beside the executable, or in ../lib/dockauth/ as the Debian package installs it.
 */
const { statSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { getAsset } = require('node:sea');
const { runInThisContext } = require('node:vm');
const { buildIdOf, runBundle } = require('./launcher.cjs');

const SQLITE_ADDON = 'better_sqlite3.node';

/** Where the executable looks for SQLite's module, first match wins; never a path from the environment. */
function sqliteAddonCandidates(executable) {
  const home = dirname(executable);
  return [join(home, SQLITE_ADDON), join(home, '..', 'lib', 'dockauth', SQLITE_ADDON)];
}

/** An error the CLI reports as a run-time failure with a hint (exit 1; packages/cli/src/exit-mapping.ts), not as a bug. */
const failure = (message, hint) => Object.assign(new Error(message), { exitCode: 1, hint });

/**
 * Native code runs with dockauth's rights (root's, mostly): load it only from a file and a
 * directory that no one but root or the caller can change.
 */
function assertTrusted(path, stat) {
  if (stat.uid !== 0 && stat.uid !== process.getuid()) throw failure(`failed to load ${path}: owned by uid ${stat.uid}, not by root`, `chown root: ${path}`);
  if (stat.mode & 0o022) throw failure(`failed to load ${path}: writable by others (mode 0${(stat.mode & 0o777).toString(8)})`, `chmod go-w ${path}`);
}

/** SQLite's compiled module, loaded on the inventory's first use (packages/ca/src/store/inventory.ts). */
function loadSqliteAddon() {
  const candidates = sqliteAddonCandidates(process.execPath);
  for (const path of candidates) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      continue;
    }
    assertTrusted(dirname(path), statSync(dirname(path)));
    assertTrusted(path, stat);
    const addon = { exports: {} };
    process.dlopen(addon, path);
    return addon.exports;
  }
  throw failure(`failed to find SQLite's compiled module: none of ${candidates.join(', ')} exists`, 'reinstall the dockauth package (apt-get install --reinstall dockauth)');
}

/** The bundles are ASCII (build.mjs checks): latin1 decodes them for free. */
const assetText = (name) => Buffer.from(getAsset(name)).toString('latin1');

/** The bundle's require: built-in modules, and the on-demand bundles among the assets. */
function makeRequire(loaded) {
  const require = (id) => {
    if (Module.isBuiltin(id)) return Module.createRequire(__filename)(id);
    const asset = /^\.\/((?:vendor|lazy)-[a-z0-9_]+\.cjs)$/.exec(id)?.[1];
    if (asset === undefined) throw new Error(`failed to load ${id}: not inside the dockauth executable (this is a bug in dockauth)`);
    if (!loaded.has(asset)) {
      const module = { exports: {} };
      loaded.set(asset, module);
      const wrapper = runInThisContext(Module.wrap(assetText(asset)), { filename: `dockauth:${asset}` });
      wrapper(module.exports, require, module, `dockauth:${asset}`, '/');
    }
    return loaded.get(asset).exports;
  };
  return require;
}

function main() {
  const source = assetText('dockauth.cjs');
  let cachedData;
  try {
    cachedData = Buffer.from(getAsset(`dockauth.${buildIdOf(source)}.cache`));
  } catch {
    cachedData = undefined; // compiles as usual, only slower
  }
  globalThis[Symbol.for('dockauth.sqliteAddon')] = loadSqliteAddon;
  const require = makeRequire(new Map());
  // inquirer, ES-module-only in node_modules, is a CommonJS asset here (a prompt's only import).
  const importEsm = async (specifier) => {
    if (specifier !== 'inquirer') throw new Error(`failed to import ${specifier}: not inside the dockauth executable (this is a bug in dockauth)`);
    return require('./vendor-inquirer.cjs');
  };
  runBundle({ source, cachedData, filename: join(dirname(process.execPath), 'dockauth.cjs'), require, importEsm });
}

main();
