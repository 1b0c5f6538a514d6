// Section 5a of bench/RESULTS.md: the single executable (the file the Debian package installs as
// /usr/bin/dockauth, built into build/sea) next to the checkout's launcher, side by side with
// `node -e 0`. bench/bench.mjs runs it with the rest; alone it measures only this and replaces
// the section in bench/RESULTS.md:
//   node packages/cli/build-sea.mjs && node bench/executable-startup.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, measureSideBySide, pairedRatio } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const EXECUTABLE = join(root, 'build/sea/dockauth');
const TITLE = "### 5a. The single executable (the package's /usr/bin/dockauth) next to the checkout's launcher";

/** Measures; returns the section's markdown, and the ratio for the chart (undefined when there is no executable). */
export function executableStartup({ work, runs }) {
  if (!existsSync(EXECUTABLE)) return { markdown: `${TITLE}\n\nSkipped: build/sea/dockauth is not built (\`pnpm build:executable\`).` };
  const node = process.execPath;
  const launcher = `${node} ${join(root, 'packages/cli/bin/dockauth.js')}`;
  const state = join(work, 'sea-state');
  const out = join(work, 'sea-out');
  execFileSync(EXECUTABLE, ['--dir', state, 'ca', 'init', '-y'], { stdio: 'ignore' });
  const [floor, launcherAdd, seaAdd, launcherVersion, seaVersion] = measureSideBySide(runs, [
    () => `${node} -e 0`,
    (i) => `${launcher} --dir ${state} user add launcher${i + 10} --out ${out} -y`,
    (i) => `${EXECUTABLE} --dir ${state} user add sea${i + 10} --out ${out} -y`,
    () => `${launcher} --version`,
    () => `${EXECUTABLE} --version`,
  ]);
  const rows = [
    ['`node -e 0`', floor],
    ['`node packages/cli/bin/dockauth.js user add NAME --out DIR` (ecdsa-p256)', launcherAdd],
    ['`build/sea/dockauth user add NAME --out DIR` (ecdsa-p256)', seaAdd],
    ['`node packages/cli/bin/dockauth.js --version`', launcherVersion],
    ['`build/sea/dockauth --version`', seaVersion],
  ];
  const ratio = pairedRatio(seaAdd, floor);
  const markdown = [
    TITLE,
    '',
    '| what | median | min–max | runs |',
    '|---|---|---|---|',
    ...rows.map(([label, s]) => `| ${label} | ${fmt(s.median)} | ${fmt(s.min)}–${fmt(s.max)} | ${s.runs} |`),
    '',
    `- the executable's \`user add\` (ecdsa-p256) ÷ \`node -e 0\`: **${ratio.toFixed(2)}×** — target ≤ 1.5×: ${ratio <= 1.5 ? 'met' : '**missed**'}`,
    '',
    `- the executable's \`user add\` ÷ the launcher's: **${pairedRatio(seaAdd, launcherAdd).toFixed(2)}×**; \`--version\`: **${pairedRatio(seaVersion, launcherVersion).toFixed(2)}×**`,
  ].join('\n');
  return { markdown, ratio };
}

// Alone: measure and put the section into RESULTS.md, in place of the one there (or after section 5).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const work = mkdtempSync(join(tmpdir(), 'dockauth-bench-sea-'));
  try {
    const { markdown } = executableStartup({ work, runs: 27 });
    process.stdout.write(`${markdown}\n`);
    const resultsFile = join(root, 'bench/RESULTS.md');
    const results = readFileSync(resultsFile, 'utf8');
    const dated = `${markdown}\n\n(Measured ${new Date().toISOString()} by \`node bench/executable-startup.mjs\`, apart from the rest of this file.)`;
    const existing = /### 5a\. [\s\S]*?(?=\n### 6\.)/.exec(results);
    const updated = existing ? results.replace(existing[0], `${dated}\n`) : results.replace(/\n### 6\./, `\n${dated}\n\n### 6.`);
    writeFileSync(resultsFile, updated);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
