// Bundles the CLI into dist/ so start-up reads a few files instead of hundreds.
// Native and lazily loaded modules stay outside the bundle.
import { build } from 'esbuild';

await build({
  entryPoints: { dockauth: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['source'],
  external: ['better-sqlite3', 'inquirer'],
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: { js: "import { createRequire as __dockauthRequire } from 'node:module'; const require = __dockauthRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  loader: { '.yaml': 'text' },
  logLevel: 'warning',
});
