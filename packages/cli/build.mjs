// Bundles the CLI into dist/ so start-up reads a few files instead of hundreds.
// Native and lazily loaded modules stay outside the bundle.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names change with their content: start clean so old chunks do not pile up.
rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: { dockauth: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['source'],
  // ES module builds first: `export *` from a CommonJS build cannot be listed at bundle time,
  // and a module loaded on demand (the X.509 library) would then lose its names.
  mainFields: ['module', 'main'],
  external: ['better-sqlite3', 'inquirer'],
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: { js: "import { createRequire as __dockauthRequire } from 'node:module'; const require = __dockauthRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  loader: { '.yaml': 'text' },
  // Less to parse at every start: dockauth runs as short commands.
  minify: process.env.DOCKAUTH_BUILD_MINIFY !== "0",
  logLevel: 'warning',
});
