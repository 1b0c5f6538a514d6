#!/usr/bin/env node
// Writes docs/dockauth.8, completions/dockauth.bash and completions/_dockauth from the command
// definitions (buildProgram() in packages/cli/src/cli.ts) and templates/policy.yaml's comments.
// The generator is TypeScript (packages/cli/src/docs/generate.ts); esbuild bundles it with the CLI's
// command definitions into a temporary file first (the commands' modules, which only run when a
// command does, are left out). `node scripts/gen-docs.mjs --check` writes nothing and exits 1
// if a committed file differs from what it would write.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

const scratch = mkdtempSync(join(tmpdir(), 'dockauth-gen-docs-'));
let files;
try {
  const outfile = join(scratch, 'gen-docs.cjs');
  await build({
    stdin: {
      contents: `
        import { buildProgram } from './packages/cli/src/cli.ts';
        import { generateDocs } from './packages/cli/src/docs/generate.ts';
        export const generate = (template) => generateDocs(buildProgram(() => undefined), template);`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    conditions: ['source'],
    outfile,
    logLevel: 'warning',
    plugins: [{
      name: 'commands-left-out',
      setup(build) {
        build.onResolve({ filter: /^\.{1,2}\/commands\// }, (args) => ({ path: args.path, external: true }));
      },
    }],
  });
  const { generate } = createRequire(import.meta.url)(outfile);
  files = generate(readFileSync(join(root, 'templates/policy.yaml'), 'utf8'));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

let stale = 0;
for (const [path, text] of Object.entries(files)) {
  const target = join(root, path);
  let current;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  if (check) {
    console.error(`${path} is not what scripts/gen-docs.mjs makes now: run node scripts/gen-docs.mjs`);
    stale++;
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    console.log(`wrote ${path}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
