// Bundles the CLI into one CommonJS file, dist/dockauth.cjs, and makes its V8 code cache
// (see launcher.cjs): start-up then reads two files and compiles almost nothing.
// inquirer (an ES module, loaded only for a prompt) stays outside the bundle.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * commander requires child_process (which loads net) at the top, for executable
 * subcommands dockauth does not have: about 8 ms of every start. Its copy is a stand-in
 * that loads the real module on first use.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'dockauth' } : undefined,
    );
    build.onLoad({ filter: /^lazy-child-process$/, namespace: 'dockauth' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');

const result = await build({
  entryPoints: ['src/main.ts'],
  bundle: true,
  write: false,
  outfile: 'dist/dockauth.cjs',
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  conditions: ['source'],
  // ES module builds first: `export *` from a CommonJS build cannot be listed at bundle time,
  // and a module loaded on demand (the X.509 library) would then lose its names.
  mainFields: ['module', 'main'],
  // better-sqlite3's JavaScript is bundled (and cached); its compiled module is loaded by path.
  external: ['inquirer'],
  define: { 'import.meta.url': '__dockauthModuleUrl' },
  banner: { js: "const __dockauthModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  loader: { '.yaml': 'text' },
  charset: 'ascii',
  plugins: [lazyChildProcessForCommander],
  // Less to parse and to cache: dockauth runs as short commands.
  minify: process.env.DOCKAUTH_BUILD_MINIFY !== '0',
  logLevel: 'warning',
});
const code = result.outputFiles[0].contents;
// launcher.cjs reads the bundle as latin1, which is only right for ASCII.
if (code.some((byte) => byte > 0x7f)) throw new Error('the bundle holds non-ASCII bytes: launcher.cjs reads it as latin1');
const buildId = createHash('sha256').update(code).digest('hex').slice(0, 32);
writeFileSync('dist/dockauth.cjs', Buffer.concat([Buffer.from(`// dockauth build ${buildId}\n`), code]));

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
