// Builds the single executable (a Node single executable application) from what build.mjs
// made in dist/: OUT/dockauth, this very Node with the CLI's bundle, its code cache and its
// on-demand bundles inside, and OUT/better_sqlite3.node, SQLite's compiled module, which a
// process can load only from a file (sea-main.cjs finds it beside the executable).
//
//   node build-sea.mjs [--out DIR]      (default: ../../build/sea)
//
// The executable carries the Node that runs this script: the V8 code cache in dist/ was made
// by it too, and V8 accepts a cache only from the very same build.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { inject } from 'postject';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const DIST = join(HERE, 'dist');
// The marker Node's binary carries for the blob (node/src/node_sea.cc).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const outIndex = process.argv.indexOf('--out');
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(HERE, '..', '..', 'build', 'sea'));

if (!existsSync(join(DIST, 'dockauth.cjs'))) throw new Error(`failed to find ${join(DIST, 'dockauth.cjs')}: run \`pnpm run build\` first`);
const assets = Object.fromEntries(readdirSync(DIST).map((name) => [name, join(DIST, name)]));
if (!Object.keys(assets).some((name) => name.endsWith('.cache'))) throw new Error('failed to find the code cache in dist/: run `pnpm run build` again');

mkdirSync(out, { recursive: true });
const work = mkdtempSync(join(out, '..', '.sea-')); // beside the output: a same-filesystem rename, no world-writable /tmp
try {
  const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', charset: 'ascii', minify: true, logLevel: 'warning' };
  // The entry, with launcher.cjs inside: a single executable's main script can require built-in modules only.
  await build({ ...common, entryPoints: [join(HERE, 'sea-main.cjs')], outfile: join(work, 'sea-main.cjs') });
  // inquirer (ES modules, in node_modules for the checkout) as one CommonJS asset: an executable cannot import() files.
  const inquirer = join(work, 'vendor-inquirer.cjs');
  await build({ ...common, stdin: { contents: "export { default } from 'inquirer';", resolveDir: HERE }, outfile: inquirer });
  assets['vendor-inquirer.cjs'] = inquirer;

  const config = join(work, 'sea-config.json');
  const blob = join(work, 'sea-prep.blob');
  // The bundle brings its own code cache (made by running a command, so it holds more than the
  // top level useCodeCache would compile); the entry is a few lines.
  writeFileSync(config, JSON.stringify({ main: join(work, 'sea-main.cjs'), output: blob, disableExperimentalSEAWarning: true, useCodeCache: false, assets }));
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });

  const staged = join(work, 'dockauth');
  copyFileSync(process.execPath, staged);
  chmodSync(staged, 0o755);
  // Node's symbols and debug information are most of its size; nothing at run time reads them.
  execFileSync('strip', ['--strip-all', staged]);
  await inject(staged, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });

  const addon = join(work, 'better_sqlite3.node');
  copyFileSync(createRequire(join(HERE, '..', 'ca', 'package.json')).resolve('better-sqlite3/build/Release/better_sqlite3.node'), addon);
  execFileSync('strip', ['--strip-unneeded', addon]);
  chmodSync(addon, 0o644);

  const version = execFileSync(staged, ['--version'], { encoding: 'utf8' }).trim();
  for (const name of ['dockauth', 'better_sqlite3.node']) {
    rmSync(join(out, name), { force: true });
    copyFileSync(join(work, name), join(out, name));
    chmodSync(join(out, name), name === 'dockauth' ? 0o755 : 0o644);
  }
  console.log(`built ${join(out, 'dockauth')} (dockauth ${version}, node ${process.version}) and ${join(out, 'better_sqlite3.node')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
