// Bundles the CLI into dist/: dockauth.cjs and its V8 code cache (see launcher.cjs), so a
// command starts by reading two files and compiling almost nothing; vendor-*.cjs, big
// libraries few commands need; lazy-*.cjs, stand-ins for costly built-in modules.
// inquirer (an ES module, loaded only for a prompt) stays in node_modules.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Built-in modules that cost milliseconds to load and that many commands never use, each
 * replaced by a stand-in (dist/lazy-NAME.cjs) that loads the real one on first use:
 * node:crypto (with the streams it pulls in) is needed to issue, not to list; commander
 * requires node:child_process (and with it node:net) for executable subcommands dockauth
 * does not have; node:net and node:tty serve the plugin, IP addresses and prompts.
 */
const LAZY_BUILTINS = ['crypto', 'child_process', 'net', 'tty'];

const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    for (const name of LAZY_BUILTINS) {
      build.onResolve({ filter: new RegExp(`^(node:)?${name}$`) }, () => ({ path: `./lazy-${name}.cjs`, external: true }));
    }
  },
};

/**
 * Libraries big enough to slow every start (their source goes into the code cache) but
 * used by few commands: each is bundled on its own (dist/vendor-NAME.cjs) and required
 * from the main bundle only when a command reaches it. yaml reads authorization policies;
 * the X.509 library (with its ASN.1 stack) parses CSRs.
 */
const VENDOR_BUNDLES = [
  { name: 'yaml', entry: { contents: "export * from 'yaml';", resolveDir: '../authz' }, imports: /^yaml$/, from: /./ },
  { name: 'x509', entry: { contents: "export * from './x509.ts';", resolveDir: '../ca/src', loader: 'ts' }, imports: /^\.\/x509\.js$/, from: /[\\/]ca[\\/]src[\\/]/ },
];

const vendorBundles = {
  name: 'vendor-bundles',
  setup(build) {
    for (const { name, imports, from } of VENDOR_BUNDLES) {
      build.onResolve({ filter: imports }, (args) => (from.test(args.importer) ? { path: `./vendor-${name}.cjs`, external: true } : undefined));
    }
  },
};

/** A stand-in that is the real module for every use: properties, keys, `in`, namespaces. */
const lazyModuleSource = (name) => `'use strict';
// Stand-in for node:${name}, loaded on first use (see build.mjs).
let real;
const load = () => (real ??= require('node:${name}'));
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
    return descriptor && { ...descriptor, configurable: true };
  },
});
`;

/** The commit this checkout is at, for `dockauth --version`; "-dirty" when files differ from it. */
function buildCommit() {
  const git = (args) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git(['rev-parse', '--short=12', 'HEAD']);
    return git(['status', '--porcelain', '--untracked-files=no']) === '' ? commit : `${commit}-dirty`;
  } catch {
    return 'unknown'; // not a git checkout (a source tarball)
  }
}

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  conditions: ['source'],
  // ES module builds first: `export *` from a CommonJS build cannot be listed at bundle time,
  // and a module loaded on demand (the X.509 library) would then lose its names.
  mainFields: ['module', 'main'],
  charset: 'ascii',
  // Less to parse and to cache: dockauth runs as short commands (DOCKAUTH_BUILD_MINIFY=0 keeps names for profiling).
  minify: process.env.DOCKAUTH_BUILD_MINIFY !== '0',
  logLevel: 'warning',
};
for (const { name, entry } of VENDOR_BUNDLES) {
  await build({ ...common, stdin: entry, outfile: `dist/vendor-${name}.cjs`, plugins: [lazyBuiltins] });
}

const result = await build({
  ...common,
  entryPoints: ['src/main.ts'],
  write: false,
  outfile: 'dist/dockauth.cjs',
  // better-sqlite3's JavaScript is bundled (and cached); its compiled module is loaded by path.
  // pg-native: node-postgres's optional libpq binding, never used (pg's own JavaScript client is).
  external: ['inquirer', 'pg-native'],
  define: { 'import.meta.url': '__dockauthModuleUrl', __DOCKAUTH_COMMIT__: JSON.stringify(buildCommit()) },
  banner: { js: "const __dockauthModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  loader: { '.yaml': 'text' },
  plugins: [lazyBuiltins, vendorBundles],
});
const code = result.outputFiles[0].contents;
// launcher.cjs reads the bundle as latin1, which is only right for ASCII.
if (code.some((byte) => byte > 0x7f)) throw new Error('the bundle holds non-ASCII bytes: launcher.cjs reads it as latin1');
const buildId = createHash('sha256').update(code).digest('hex').slice(0, 32);
writeFileSync('dist/dockauth.cjs', Buffer.concat([Buffer.from(`// dockauth build ${buildId}\n`), code]));
for (const name of LAZY_BUILTINS) writeFileSync(`dist/lazy-${name}.cjs`, lazyModuleSource(name));

// The code cache: made by issuing one user's certificate, the path most commands share
// (command line, CA store, inventory, signing, writing files).
const scratch = mkdtempSync(join(tmpdir(), 'dockauth-build-'));
try {
  const run = (script, args) => execFileSync(process.execPath, [...script, '--dir', join(scratch, 'ca'), ...args], { stdio: 'ignore' });
  run(['bin/dockauth.js'], ['ca', 'init']);
  run(['make-code-cache.cjs'], ['user', 'add', 'cache', '--out', join(scratch, 'out')]);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
